import type { RunState } from '../../extension/protocol/runState';
import { formatCost, spendOf } from '../../extension/protocol/views/spend';
import { conflictCounts, livePredictions, TIER_LABEL, TIER_ORDER, tierCounts } from '../../extension/protocol/views/conflictText';
import { formatCount, formatDuration, formatInput, formatTokens } from '../format';

export interface HeaderStat {
  id: 'tasks' | 'merges' | 'conflicts' | 'agents' | 'tokens' | 'cost' | 'elapsed';
  label: string;
  value: string;
  detail?: string;
  title?: string;
}

/** The run header's figures, from the folded run: spend comes from the same spendOf as the CLI report and the status bar. */
export function headerStats(run: RunState, now: number): HeaderStat[] {
  const spend = spendOf(run.agents, run.prices);
  const merged = run.tasks.filter((t) => t.status === 'merged').length;
  const running = run.agents.filter((a) => a.status === 'running').length;
  const elapsed = run.startedAt === null ? 0 : (run.endedAt ?? now) - run.startedAt;
  return [
    { id: 'tasks', label: 'Tasks merged', value: `${merged} / ${run.tasks.length}` },
    ...mergeStats(run),
    { id: 'agents', label: 'Agents', value: String(run.agents.length), detail: running ? `${running} running` : undefined },
    {
      id: 'tokens',
      label: 'Tokens',
      value: formatTokens(spend.tokens),
      detail: `${formatInput(spend)} · ${formatTokens(spend.outputTokens)} out`,
      title: `${formatCount(spend.inputTokens)} input${spend.cachedInputTokens ? ` (${formatCount(spend.cachedInputTokens)} of them cached)` : ''} and ${formatCount(spend.outputTokens)} output tokens`,
    },
    {
      id: 'cost',
      label: 'Cost',
      value: formatCost(spend),
      title: spend.unpricedAgentIds.length ? `No price for: ${spend.unpricedAgentIds.join(', ')}` : 'All models priced',
    },
    { id: 'elapsed', label: 'Elapsed', value: formatDuration(elapsed) },
  ];
}

/**
 * How merges landed, by tier (auto-merge, merge agent, person: AgentSpawn's table), and the
 * conflicts found so far: textual and semantic ones, and those predicted between branches in flight.
 */
function mergeStats(run: RunState): HeaderStat[] {
  const stats: HeaderStat[] = [];
  if (run.tasks.some((t) => t.status === 'merged')) {
    const tiers = tierCounts(run.tasks);
    stats.push({
      id: 'merges',
      label: 'Merged by',
      value: TIER_ORDER.map((tier) => tiers[tier]).join(' · '),
      detail: 'auto · agent · person',
      title: TIER_ORDER.map((tier) => `${TIER_LABEL[tier]}: ${tiers[tier]}`).join(', '),
    });
  }
  const predicted = livePredictions(run).length;
  if (run.conflicts.length || predicted) {
    const { textual, semantic } = conflictCounts(run.conflicts);
    const detail = [semantic ? `${semantic} semantic` : '', predicted ? `${predicted} predicted` : ''].filter(Boolean).join(' · ');
    stats.push({
      id: 'conflicts',
      label: 'Conflicts',
      value: String(run.conflicts.length),
      detail: detail || undefined,
      title: `${textual} textual (git could not merge), ${semantic} semantic (merged cleanly, a check fails), ${predicted} predicted between branches in flight`,
    });
  }
  return stats;
}
