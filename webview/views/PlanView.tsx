import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useDashboard } from '../state/useDashboard';
import type { RunState } from '../../extension/protocol/runState';
import { livePredictions, otherBranchName } from '../../extension/protocol/views/conflictText';
import { ConflictsPanel } from './ConflictsPanel';
import { EmptyState } from './EmptyState';
import { PlanGraph } from './PlanGraph';
import { StatusBadge } from './StatusBadge';
import { TaskDetail } from './TaskDetail';

const LEGEND = ['pending', 'running', 'verifying', 'succeeded', 'merged', 'conflicted', 'waiting', 'failed', 'blocked'] as const;

/** The plan as a DAG, conflicts (predicted, found, waited on) and merge tiers above it, and the selected task's detail beside it. */
export function PlanView() {
  // Only the plan's slices of the run: events about agents (most of them) do not render the plan again.
  const run = useDashboard(useShallow((s) => ({ tasks: s.run.tasks, predictions: s.run.predictions, conflicts: s.run.conflicts })));
  const tasks = run.tasks;
  const selectedTaskId = useDashboard((s) => s.ui.selectedTaskId);
  const selectTask = useDashboard((s) => s.selectTask);
  const predicted = useMemo(() => predictedPartners(livePredictions(run)), [run]);
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
        <ConflictsPanel run={run} />
        <div className="graph-scroll">
          <PlanGraph tasks={tasks} selectedTaskId={selected.task.id} onSelect={(id) => selectTask(id)} predicted={predicted} />
        </div>
      </div>
      <div className="split-side">
        <TaskDetail task={selected} />
      </div>
    </div>
  );
}

/** Task id → the branches it is predicted to conflict with, for the graph's warnings. */
function predictedPartners(predictions: RunState['predictions']): Map<string, string> {
  const partners = new Map<string, string[]>();
  const add = (taskId: string, other: string | null) => partners.set(taskId, [...(partners.get(taskId) ?? []), otherBranchName(other)]);
  for (const p of predictions) {
    add(p.taskId, p.otherTaskId);
    if (p.otherTaskId !== null) add(p.otherTaskId, p.taskId);
  }
  return new Map([...partners].map(([id, others]) => [id, others.join(', ')]));
}
