import VscodeButton from '@vscode-elements/react-elements/dist/components/VscodeButton.js';
import type { TaskState } from '../../extension/protocol/runState';
import type { AcceptanceCheck } from '../../extension/protocol/plan';
import { webviewMessages } from '../../extension/protocol/webviewMessages';
import { formatDuration, shortSha } from '../format';
import { useHost } from '../host/hostContext';
import { useDashboard } from '../state/useDashboard';
import { livePredictions, mergedByText, otherBranchName, predictionDetail, predictionsOfTask } from '../../extension/protocol/views/conflictText';
import { ActionLink } from './ActionLink';
import { FindingItem } from './FindingItem';
import { StatusBadge } from './StatusBadge';

/** Everything about one task: scope, acceptance, verifier checks, findings, result. */
export function TaskDetail({ task: t }: { task: TaskState }) {
  const host = useHost();
  const selectTask = useDashboard((s) => s.selectTask);
  const selectTab = useDashboard((s) => s.selectTab);
  // The plan's slices, not the whole run: an agent's event does not render the task again.
  const tasks = useDashboard((s) => s.run.tasks);
  const runPredictions = useDashboard((s) => s.run.predictions);
  const predictions = predictionsOfTask({ predictions: livePredictions({ tasks, predictions: runPredictions }) }, t.task.id);
  const { task } = t;
  const by = mergedByText(t);
  return (
    <section className="task-detail" aria-label={`Task ${task.id}`}>
      <div className="detail-head">
        <h2>{task.title}</h2>
        <StatusBadge status={t.status} />
      </div>
      <div className="detail-sub muted">
        <code>{task.id}</code> · {task.requirementIds.join(', ')}
        {task.dependsOn.length > 0 && (
          <>
            {' '}
            · after{' '}
            {task.dependsOn.map((d, i) => (
              <span key={d}>
                {i > 0 && ', '}
                <ActionLink onClick={() => selectTask(d)}>{d}</ActionLink>
              </span>
            ))}
          </>
        )}
      </div>
      <div className="detail-actions">
        <VscodeButton secondary disabled={!t.branch} onClick={() => host.post(webviewMessages.openDiff(task.id))}>
          Open diff
        </VscodeButton>
      </div>
      <dl className="kv">
        <dt>Branch</dt>
        <dd>{t.branch ?? '—'}</dd>
        <dt>Head</dt>
        <dd>
          <code>{shortSha(t.headCommit)}</code>
        </dd>
        {t.status === 'merged' && (
          <>
            <dt>Merged</dt>
            <dd className="merged-by">{by ?? 'auto-merged'}</dd>
          </>
        )}
        <dt>Attempts</dt>
        <dd>{t.attempts}</dd>
        <dt>Time</dt>
        <dd>{t.startedAt !== null && t.endedAt !== null ? formatDuration(t.endedAt - t.startedAt) : t.startedAt !== null ? 'running' : '—'}</dd>
        <dt>Scope</dt>
        <dd className="chips">
          {task.fileScope.map((g) => (
            <code key={g} className="chip">
              {g}
            </code>
          ))}
        </dd>
      </dl>
      {t.status === 'waiting' && (
        <div className="notice notice-warn task-waiting">
          <i className="codicon codicon-watch" aria-hidden="true" />
          <div>
            Waits on{' '}
            <ActionLink onClick={() => selectTab('escalations')}>{t.waitingOn ?? 'an escalation'}</ActionLink>
            {t.failureReason ? `: ${t.failureReason}` : ''}. It starts once a person answers.
          </div>
        </div>
      )}
      {predictions.map(({ other, prediction }) => (
        <div key={other ?? ''} className="notice notice-warn task-prediction" data-other={other ?? ''}>
          <i className="codicon codicon-warning" aria-hidden="true" />
          <div>
            With {otherBranchName(other)}: {predictionDetail(prediction)}.
          </div>
        </div>
      ))}
      {t.failureReason && t.status !== 'waiting' && (
        <div className="notice notice-error">
          <i className="codicon codicon-error" aria-hidden="true" />
          <div>{t.failureReason}</div>
        </div>
      )}
      <h3>Acceptance</h3>
      {task.acceptance.length === 0 ? (
        <p className="muted">No deterministic checks; the verifier's judgment decides.</p>
      ) : (
        <ul className="plain-list">
          {task.acceptance.map((a, i) => (
            <li key={i}>
              <span className="chip">{a.kind}</span> <code>{a.command.join(' ')}</code>
              {testFilesOf(a)}
            </li>
          ))}
        </ul>
      )}
      <h3>Verifier checks</h3>
      {t.checks.length === 0 ? (
        <p className="muted">Not verified yet.</p>
      ) : (
        <ul className="check-list">
          {t.checks.map((c, i) => (
            <li key={i} className={c.passed ? 'check-pass' : 'check-fail'}>
              <i className={`codicon codicon-${c.passed ? 'pass' : 'error'}`} aria-hidden="true" />
              <span>
                <span className="check-name">{c.check}</span> <span className="muted check-detail">{c.detail}</span>
              </span>
            </li>
          ))}
        </ul>
      )}
      <h3>Findings {t.findings.length > 0 && <span className="muted">({t.findings.length})</span>}</h3>
      {t.findings.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul className="finding-list">
          {t.findings.map((f, i) => (
            <FindingItem key={i} taskId={task.id} index={i} finding={f} />
          ))}
        </ul>
      )}
      {t.result && (
        <>
          <h3>Result</h3>
          <p>{t.result.summary}</p>
          <div className="chips">
            {t.result.filesChanged.map((f) => (
              <code key={f} className="chip">
                {f}
              </code>
            ))}
          </div>
        </>
      )}
      <h3>Instructions</h3>
      <p className="instructions">{task.instructions}</p>
    </section>
  );
}

function testFilesOf(a: AcceptanceCheck) {
  if (a.kind !== 'failToPass' || a.testFiles.length === 0) return null;
  return <span className="muted"> — tests: {a.testFiles.join(', ')}</span>;
}
