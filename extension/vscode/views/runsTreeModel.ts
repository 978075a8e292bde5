import type { RunListStatus, RunSummary } from '../../protocol/runSummary';
import { countOf } from '../../protocol/views/plural';
import { runStatusText, runWaitsOnPerson } from '../../protocol/views/statusText';
import { isResumable } from '../run/pastRuns';
import type { IconSpec } from './agentsTreeModel';

/** One run in the Runs view. */
export interface RunsNode {
  /** Tells commands invoked on the node (Clean Up Run) that a person clicked, not the command API. */
  kind: 'pastRun';
  id: string;
  runId: string;
  label: string;
  description: string;
  tooltip: string;
  icon: IconSpec;
  /** `loom.pastRun.resumable` offers Resume; every run offers Open. */
  contextValue: string;
}

const icons: Record<RunListStatus, IconSpec> = {
  planning: { id: 'sync~spin', color: 'charts.blue' },
  running: { id: 'sync~spin', color: 'charts.blue' },
  interrupted: { id: 'debug-pause', color: 'list.warningForeground' },
  succeeded: { id: 'pass-filled', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  escalated: { id: 'report', color: 'list.warningForeground' },
  stopped: { id: 'debug-stop', color: 'disabledForeground' },
};

/** The Runs view: every run under LOOM_HOME, newest first; the one the dashboard shows is marked. */
export function runsNodes(runs: readonly RunSummary[], shownRunId: string | null): RunsNode[] {
  return runs.map((run) => {
    const repoName = run.repo ? run.repo.split(/[\\/]/).filter(Boolean).pop() : 'repository unknown';
    const open = run.openEscalations.length;
    const status = runStatusText(run.status, open);
    const parts = [status, repoName, `${run.tasksDone}/${countOf(run.tasks, 'task')}`];
    if (open) parts.push(`${countOf(open, 'open question')}`);
    if (run.runId === shownRunId) parts.push('shown');
    return {
      kind: 'pastRun',
      id: `pastRun:${run.runId}`,
      runId: run.runId,
      label: run.runId,
      description: parts.join(' · '),
      tooltip: [
        `Run ${run.runId}: ${status}`,
        run.repo ? `Repository: ${run.repo}` : '',
        run.specPath ? `Spec: ${run.specPath}` : '',
        run.model ? `Model: ${run.model}` : '',
        run.startedAt ? `Started: ${new Date(run.startedAt).toLocaleString()}` : '',
        ...run.openEscalations.map((e) => `${e.escalationId} (${e.kind}): ${e.question}`),
        run.journalProblems ? `Journal: ${countOf(run.journalProblems, 'damaged line')} skipped` : '',
        run.status === 'interrupted' ? 'Its process ended before it finished: Resume continues it from its journal.' : '',
      ]
        .filter(Boolean)
        .join('\n'),
      icon: runWaitsOnPerson(run.status, open) ? icons.escalated : icons[run.status],
      contextValue: isResumable(run) ? 'loom.pastRun.resumable' : 'loom.pastRun',
    };
  });
}
