import { useMemo } from 'react';
import { countOf } from '../../extension/protocol/views/plural';
import { requirementRows } from '../../extension/protocol/views/requirementRows';
import { useDashboard } from '../state/useDashboard';
import { EmptyState } from './EmptyState';
import { FileLink } from './FileLink';
import { StatusBadge } from './StatusBadge';

/** The spec's requirements, each with the tasks that implement it and where they stand. */
export function SpecView() {
  const run = useDashboard((s) => s.run);
  const selectTask = useDashboard((s) => s.selectTask);
  const rows = useMemo(() => requirementRows(run), [run]);
  if (rows.length === 0) {
    return (
      <EmptyState icon="book" title="No spec parsed yet">
        Requirements appear here once a run parses its spec.
      </EmptyState>
    );
  }
  return (
    <div className="view spec-view">
      <div className="view-toolbar">
        {run.specPath && <FileLink path={run.specPath} />}
        <span className="muted">
          {countOf(rows.length, 'requirement')} · {rows.filter((r) => r.status === 'merged').length} merged · {rows.filter((r) => r.status === 'atRisk').length} at risk
        </span>
      </div>
      {run.planErrors.length > 0 && (
        <div className="notice notice-warn">
          <i className="codicon codicon-warning" aria-hidden="true" />
          <div>
            The coordinator's plan was rejected {countOf(run.planErrors.length, 'time')} before one was accepted:
            <ul>
              {run.planErrors.map((errors, i) => (
                <li key={i}>
                  attempt {i + 1}: {errors.join('; ')}
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
      <ul className="requirement-list">
        {rows.map((r) => (
          <li key={r.id} className="requirement" data-requirement={r.id}>
            <div className="requirement-head">
              <span className="requirement-id">{r.id}</span>
              <span className="requirement-title">{r.title}</span>
              <StatusBadge status={r.status} />
            </div>
            <div className="requirement-tasks">
              {r.tasks.length === 0 && <span className="muted">No task points at this requirement.</span>}
              {r.tasks.map((t) => (
                <button key={t.task.id} className="task-chip" onClick={() => selectTask(t.task.id, { showPlan: true })} title={`${t.task.title} — show in plan`}>
                  <StatusBadge status={t.status} compact />
                  <span className="task-chip-id">{t.task.id}</span>
                  <span className="task-chip-title">{t.task.title}</span>
                  <span className="muted">{t.status}</span>
                </button>
              ))}
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
