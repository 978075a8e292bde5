import { formatDuration, formatTokens, formatUsd, shortSha } from '../format';
import { useDashboard } from '../state/useDashboard';
import { StatusBadge } from './StatusBadge';
import { useRunSpend } from './useDerived';
import { useNow } from './useNow';

/** The run at a glance: identity, status and the totals that matter (progress, agents, spend, time). */
export function RunHeader() {
  const run = useDashboard((s) => s.run);
  const spend = useRunSpend();
  const live = run.status === 'running' || run.status === 'planning';
  const now = useNow(live);
  if (!run.runId) return null;
  const merged = run.tasks.filter((t) => t.status === 'merged').length;
  const running = run.agents.filter((a) => a.status === 'running').length;
  const elapsed = run.startedAt === null ? 0 : (run.endedAt ?? now) - run.startedAt;
  const repoName = run.repo ? run.repo.split(/[\\/]/).filter(Boolean).pop() : '—';
  return (
    <header className="run-header">
      <div className="run-title">
        <i className="codicon codicon-layers" aria-hidden="true" />
        <span className="run-name">{repoName}</span>
        <span className="run-id muted">{run.runId}</span>
        <StatusBadge status={run.status === 'succeeded' ? 'merged' : run.status} label={statusLabel(run.status)} />
      </div>
      <div className="run-meta muted">
        <span title={run.baseCommit ?? ''}>
          <i className="codicon codicon-git-commit" aria-hidden="true" /> base {shortSha(run.baseCommit)}
        </span>
        {run.integrationBranch && (
          <span title={run.integrationCommit ?? ''}>
            <i className="codicon codicon-git-branch" aria-hidden="true" /> {run.integrationBranch}
          </span>
        )}
        {run.model && (
          <span>
            <i className="codicon codicon-sparkle" aria-hidden="true" /> {run.model}
          </span>
        )}
      </div>
      <dl className="run-stats">
        <Stat label="Tasks merged" value={`${merged} / ${run.tasks.length}`} />
        <Stat label="Agents" value={String(run.agents.length)} detail={running ? `${running} running` : undefined} />
        <Stat label="Tokens" value={formatTokens(spend.inputTokens + spend.outputTokens)} detail={`${formatTokens(spend.inputTokens)} in · ${formatTokens(spend.outputTokens)} out`} />
        <Stat
          label="Cost"
          value={formatUsd(spend.cost)}
          detail={spend.unpricedAgentIds.length ? `+ ${spend.unpricedAgentIds.length} unpriced` : undefined}
          title={spend.unpricedAgentIds.length ? `No price for: ${spend.unpricedAgentIds.join(', ')}` : undefined}
        />
        <Stat label="Elapsed" value={formatDuration(elapsed)} />
      </dl>
    </header>
  );
}

function Stat({ label, value, detail, title }: { label: string; value: string; detail?: string; title?: string }) {
  return (
    <div className="stat" title={title}>
      <dt>{label}</dt>
      <dd>
        {value}
        {detail && <span className="stat-detail">{detail}</span>}
      </dd>
    </div>
  );
}

function statusLabel(status: string): string {
  switch (status) {
    case 'escalated':
      return 'Needs you';
    case 'succeeded':
      return 'Succeeded';
    default:
      return status[0].toUpperCase() + status.slice(1);
  }
}
