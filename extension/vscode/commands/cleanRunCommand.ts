import * as vscode from 'vscode';
import { listRuns } from '../../engine/run/runCatalog';
import { loomHome } from '../../engine/run/runPaths';
import { countOf } from '../../protocol/views/plural';
import { cleanRun } from '../../engine/run/cleanRun';
import type { ResultBranch } from '../../engine/run/runResult';
import type { RunController } from '../run/runController';

/**
 * Loom: Clean Up Run — removes a finished run's worktrees (and, if asked, its loom/ branches, keeping
 * the integration branch while it holds the run's unmerged result). From the command API,
 * `{ runId, deleteBranches?, discardResult? }` runs without questions.
 */
export async function cleanRunCommand(
  controller: RunController,
  log: vscode.LogOutputChannel,
  arg: unknown,
): Promise<false | { runId: string; removed: number; deletedBranches: number; keptResult: string | null }> {
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
        { modal: true, detail: `Repository: ${run.repo}\nBranches loom/${run.runId}/* are kept unless you also delete them; the integration branch, the run's result, is kept while no other branch has its commits.` },
        'Remove Worktrees',
        'Remove Worktrees and Branches',
      );
  if (!answer) return false;
  const deleteBranches = answer === 'Remove Worktrees and Branches';
  const discardResult = api && (arg as { discardResult?: unknown }).discardResult === true;
  const result = await cleanRun({ home, runId: run.runId, repo: run.repo, deleteBranches, discardResult });
  const text = `removed ${countOf(result.removedWorktrees, 'worktree')} and ${countOf(result.deletedBranches.length, 'branch', 'branches')} of run ${run.runId}`;
  log.info(text);
  if (result.discardedResult) log.warn(`deleted ${result.discardedResult.branch} with unmerged commits; recover it with: git branch ${result.discardedResult.branch} ${result.discardedResult.head}`);
  if (!result.keptResult) void vscode.window.showInformationMessage(`Loom: ${text}.`);
  else if (api) log.warn(`kept ${result.keptResult.branch}: it holds ${countOf(result.keptResult.unmergedCommits, 'commit')} no other branch has (discardResult: true deletes it)`);
  // Not awaited: the clean-up is done; what to do with the kept result is a question for later.
  else void offerKeptResult(log, home, run.runId, run.repo, text, result.keptResult);
  return { runId: run.runId, removed: result.removedWorktrees, deletedBranches: result.deletedBranches.length, keptResult: result.keptResult?.branch ?? null };
}

/** The integration branch is the run's only result: it goes only when a person says so, knowing what is lost. */
async function offerKeptResult(log: vscode.LogOutputChannel, home: string, runId: string, repo: string, text: string, kept: ResultBranch): Promise<void> {
  const choice = await vscode.window.showWarningMessage(
    `Loom: ${text}, but kept ${kept.branch}: it holds the run's result, ${countOf(kept.unmergedCommits, 'commit')} no other branch has.`,
    'Merge Result into My Branch',
    'Delete It Anyway',
  );
  if (choice === 'Merge Result into My Branch') await vscode.commands.executeCommand('loom.mergeResult', { runId });
  if (choice !== 'Delete It Anyway') return;
  const sure = await vscode.window.showWarningMessage(
    `Loom: delete ${kept.branch} and lose its ${countOf(kept.unmergedCommits, 'commit')}?`,
    { modal: true, detail: `No other branch has them. Until git collects them, git branch ${kept.branch} ${kept.head} brings the branch back.` },
    'Delete',
  );
  if (sure !== 'Delete') return;
  const discarded = await cleanRun({ home, runId, repo, deleteBranches: true, discardResult: true });
  if (discarded.discardedResult) log.warn(`deleted ${kept.branch}; recover it with: git branch ${kept.branch} ${kept.head}`);
}
