import { useDashboard } from '../state/useDashboard';
import { EmptyState } from './EmptyState';
import { PlanGraph } from './PlanGraph';
import { StatusBadge } from './StatusBadge';
import { TaskDetail } from './TaskDetail';

const LEGEND = ['pending', 'running', 'verifying', 'succeeded', 'merged', 'conflicted', 'failed', 'blocked'] as const;

/** The plan as a DAG, with the selected task's detail beside it. */
export function PlanView() {
  const tasks = useDashboard((s) => s.run.tasks);
  const selectedTaskId = useDashboard((s) => s.ui.selectedTaskId);
  const selectTask = useDashboard((s) => s.selectTask);
  if (tasks.length === 0) {
    return (
      <EmptyState icon="type-hierarchy" title="No plan yet">
        The coordinator's plan appears here once it is accepted.
      </EmptyState>
    );
  }
  const selected = tasks.find((t) => t.task.id === selectedTaskId) ?? tasks.find((t) => t.status !== 'merged') ?? tasks[0];
  return (
    <div className="view plan-view split">
      <div className="split-main">
        <div className="view-toolbar legend" aria-label="Legend">
          {LEGEND.map((s) => (
            <StatusBadge key={s} status={s} />
          ))}
        </div>
        <div className="graph-scroll">
          <PlanGraph tasks={tasks} selectedTaskId={selected.task.id} onSelect={(id) => selectTask(id)} />
        </div>
      </div>
      <div className="split-side">
        <TaskDetail task={selected} />
      </div>
    </div>
  );
}
