import type { ReactNode } from 'react';
import type { RunState } from '../../extension/protocol/runState';
import { conflictText, isSemantic, livePredictions, predictionDetail, TIER_LABEL, TIER_ORDER, tierCounts } from '../../extension/protocol/views/conflictText';
import { useDashboard } from '../state/useDashboard';
import { ActionLink } from './ActionLink';

/**
 * Conflicts as the run goes, above the plan: predicted ones between branches in flight (live,
 * gone when cleared), the ones found at merge (textual or semantic, worded apart), tasks that wait
 * on a conflict's escalation, and how merges landed by tier.
 */
export function ConflictsPanel({ run }: { run: Pick<RunState, 'tasks' | 'predictions' | 'conflicts'> }) {
  const selectTask = useDashboard((s) => s.selectTask);
  const selectTab = useDashboard((s) => s.selectTab);
  const waiting = run.tasks.filter((t) => t.status === 'waiting');
  const merged = run.tasks.filter((t) => t.status === 'merged');
  const predictions = livePredictions(run);
  if (!predictions.length && !run.conflicts.length && !waiting.length && !merged.length) return null;
  const task = (id: string | null): ReactNode =>
    id === null ? (
      'the integration branch'
    ) : (
      <ActionLink className="task-link" onClick={() => selectTask(id)}>
        {id}
      </ActionLink>
    );
  const counts = tierCounts(run.tasks);
  return (
    <section className="conflicts-panel" aria-label="Conflicts and merges">
      {(predictions.length > 0 || run.conflicts.length > 0 || waiting.length > 0) && (
        <ul className="conflict-rows">
          {predictions.map((p) => (
            <li key={`p:${p.taskId}:${p.otherTaskId ?? ''}`} className="conflict-row predicted" data-task={p.taskId} data-other={p.otherTaskId ?? ''} title={`Checked at ${p.commit.slice(0, 10)}`}>
              <i className="codicon codicon-warning" aria-hidden="true" />
              <span>
                {task(p.taskId)} × {task(p.otherTaskId)}: {predictionDetail(p)}
              </span>
            </li>
          ))}
          {run.conflicts.map((c, i) => (
            <li key={`c:${i}`} className={`conflict-row detected ${isSemantic(c) ? 'semantic' : 'textual'}`} data-cause={isSemantic(c) ? 'semantic' : 'textual'}>
              <i className={`codicon codicon-${isSemantic(c) ? 'beaker' : 'git-compare'}`} aria-hidden="true" />
              <span className="chip">{isSemantic(c) ? 'semantic' : 'textual'}</span>
              <span>{conflictText(c)}</span>
            </li>
          ))}
          {waiting.map((t) => (
            <li key={`w:${t.task.id}`} className="conflict-row waiting" data-task={t.task.id}>
              <i className="codicon codicon-watch" aria-hidden="true" />
              <span className="chip">waiting</span>
              <span>
                {task(t.task.id)} waits on{' '}
                <ActionLink onClick={() => selectTab('escalations')}>{t.waitingOn ?? 'an escalation'}</ActionLink>
                {t.failureReason ? `: ${t.failureReason}` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
      {merged.length > 0 && (
        <table className="tier-table" aria-label="Merges by tier">
          <thead>
            <tr>
              <th>Merged by</th>
              <th className="num">Tasks</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {TIER_ORDER.map((tier) => (
              <tr key={tier} data-tier={tier}>
                <td>{TIER_LABEL[tier]}</td>
                <td className="num">{counts[tier]}</td>
                <td className="muted">
                  {merged
                    .filter((t) => (t.mergedBy ?? 'auto') === tier)
                    .map((t) => t.task.id)
                    .join(', ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
