import * as vscode from 'vscode';
import { interruptedRuns } from '../../engine/run/runCatalog';
import type { RunSummary } from '../../protocol/runSummary';
import type { PastRuns } from './pastRuns';

const DISMISSED_KEY = 'loom.dismissedResumeOffers';

/**
 * On activation: the runs of this window's repositories whose process died before they finished (a
 * window reload or close, a crash) are offered for resume — Resume, Show (reopen read-only) or
 * Dismiss (not offered again). Returns the run ids offered; the answers are handled as they come.
 */
export function offerResume(runs: PastRuns, workspaceState: vscode.Memento, log: vscode.LogOutputChannel): string[] {
  const dismissed = new Set(workspaceState.get<string[]>(DISMISSED_KEY, []));
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  const offered = folders.flatMap((folder) => interruptedRuns(runs.runs, folder)).filter((run) => !dismissed.has(run.runId));
  for (const run of offered) {
    log.info(`run ${run.runId} on ${run.repo} was interrupted: offering to resume it`);
    void vscode.window.showWarningMessage(offerText(run), 'Resume', 'Show', 'Dismiss').then(async (answer) => {
      if (answer === 'Resume') await vscode.commands.executeCommand('loom.resumeRun', { runId: run.runId });
      else if (answer === 'Show') await vscode.commands.executeCommand('loom.openRun', { runId: run.runId });
      else if (answer === 'Dismiss') await workspaceState.update(DISMISSED_KEY, [...dismissed, run.runId]);
    });
  }
  return offered.map((run) => run.runId);
}

function offerText(run: RunSummary): string {
  const open = run.openEscalations.length;
  const tasks = run.tasks ? `${run.tasksDone} of ${run.tasks} tasks done` : 'not planned yet';
  return `Loom: run ${run.runId} stopped when its window or process went away (${tasks}${open ? `, ${open} escalation(s) open` : ''}). Resume it?`;
}
