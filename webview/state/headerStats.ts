import type { RunState } from '../../extension/protocol/runState';
import { formatCost, spendOf } from '../../extension/protocol/views/spend';
import { formatCount, formatDuration, formatTokens } from '../format';

export interface HeaderStat {
  id: 'tasks' | 'agents' | 'tokens' | 'cost' | 'elapsed';
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
    { id: 'agents', label: 'Agents', value: String(run.agents.length), detail: running ? `${running} running` : undefined },
    {
      id: 'tokens',
      label: 'Tokens',
      value: formatTokens(spend.tokens),
      detail: `${formatTokens(spend.inputTokens)} in · ${formatTokens(spend.outputTokens)} out`,
      title: `${formatCount(spend.inputTokens)} input and ${formatCount(spend.outputTokens)} output tokens`,
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
