import { useMemo } from 'react';
import type { RunState } from '../../extension/protocol/runState';
import { describeRunOutcome } from '../../extension/protocol/views/runOutcome';
import { shortSha } from '../format';
import { headerStats, type HeaderStat } from '../state/headerStats';
import { useDashboard } from '../state/useDashboard';
import { StatusBadge } from './StatusBadge';
import { useNow } from './useNow';

/** The run at a glance: identity, status and the totals that matter (progress, agents, spend, time). */
export function RunHeader() {
  const run = useDashboard((s) => s.run);
  const live = run.status === 'running' || run.status === 'planning';
  const now = useNow(live);
  if (!run.runId) return null;
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
      <RunOutcomeLine run={run} />
      <dl className="run-stats">
        {headerStats(run, now).map((stat) => (
          <Stat key={stat.id} {...stat} />
        ))}
      </dl>
    </header>
  );
}

/** Once a run has ended: why, and what to do next (the same words as the CLI report and the notification). */
function RunOutcomeLine({ run }: { run: RunState }) {
  const outcome = useMemo(() => (run.endedAt === null ? null : describeRunOutcome(run, 'vscode')), [run]);
  if (!outcome || (!outcome.cause && !outcome.nextStep)) return null;
  return (
    <div className="run-outcome" data-kind={outcome.kind} role="status">
      {outcome.cause && (
        <p>
          <strong>Why:</strong> {outcome.cause}
        </p>
      )}
      {outcome.nextStep && (
        <p>
          <strong>Next:</strong> {outcome.nextStep}
        </p>
      )}
    </div>
  );
}

function Stat({ id, label, value, detail, title }: HeaderStat) {
  return (
    <div className="stat" data-stat={id} title={title}>
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
