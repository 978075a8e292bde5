import * as vscode from 'vscode';
import { listRuns } from '../../engine/run/runCatalog';
import { LeaseManager } from '../../engine/workspace/leases';
import { loomHome, runPaths } from '../../engine/run/runPaths';
import type { RunController } from '../run/runController';

/**
 * Loom: Clean Up Run — removes a finished run's worktrees (and, if asked, its loom/ branches). From
 * the command API, `{ runId, deleteBranches? }` runs without questions.
 */
export async function cleanRunCommand(controller: RunController, log: vscode.LogOutputChannel, arg: unknown): Promise<false | { runId: string; removed: number; deletedBranches: number }> {
  const home = loomHome();
  const runs = listRuns(home);
  const requested = typeof arg === 'object' && arg !== null && typeof (arg as { runId?: unknown }).runId === 'string' ? (arg as { runId: string }).runId : undefined;
  let run = requested ? runs.find((r) => r.runId === requested) : undefined;
  if (!run) {
    if (runs.length === 0) {
      void vscode.window.showInformationMessage(`Loom: no runs in ${home}.`);
      return false;
    }
    const pick = await vscode.window.showQuickPick(
      runs.map((r) => ({ label: r.runId, description: r.repo ?? 'repository unknown', run: r })),
      { title: 'Loom: clean up which run?' },
    );
    if (!pick) return false;
    run = pick.run;
  }
  if (controller.isRunning && controller.runId === run.runId) {
    void vscode.window.showWarningMessage(`Loom: run ${run.runId} is still active; stop it first.`);
    return false;
  }
  if (!run.repo) {
    void vscode.window.showErrorMessage(`Loom: the journal of run ${run.runId} does not name its repository.`);
    return false;
  }
  // The command API ({ runId, deleteBranches? }) asks nothing; a person (palette, tree) confirms.
  const api = requested !== undefined && (arg as { kind?: unknown }).kind === undefined;
  const answer = api
    ? (arg as { deleteBranches?: unknown }).deleteBranches === true
      ? 'Remove Worktrees and Branches'
      : 'Remove Worktrees'
    : await vscode.window.showWarningMessage(
        `Loom: remove the worktrees of run ${run.runId}?`,
        { modal: true, detail: `Repository: ${run.repo}\nBranches loom/${run.runId}/* are kept unless you also delete them.` },
        'Remove Worktrees',
        'Remove Worktrees and Branches',
      );
  if (!answer) return false;
  const leases = new LeaseManager({ repoDir: run.repo, root: runPaths(home, run.runId).worktrees });
  const result = await leases.removeAll(run.runId, { deleteBranches: answer === 'Remove Worktrees and Branches' });
  const text = `removed ${result.removed.length} worktree(s) and ${result.deletedBranches.length} branch(es) of run ${run.runId}`;
  log.info(text);
  for (const kept of result.keptBranches) log.warn(`kept ${kept.branch}: ${kept.reason}`);
  void vscode.window.showInformationMessage(`Loom: ${text}.`);
  return { runId: run.runId, removed: result.removed.length, deletedBranches: result.deletedBranches.length };
}
