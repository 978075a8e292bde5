import * as vscode from 'vscode';
import { listRuns } from '../../engine/run/runCatalog';
import { loomHome } from '../../engine/run/runPaths';
import { finishedRun } from '../../engine/run/runResult';
import { mergeRunResult, type MergedResult } from '../../engine/run/mergeRunResult';
import { runIdOf } from './nodeArgs';

/**
 * Loom: Merge Result into My Branch — a finished run's integration branch into the branch checked
 * out in its repository, after a person confirms (the command API `{ runId, confirmed: true }` asks
 * nothing). Refusals (dirty tree, conflict, detached HEAD) throw and are shown as they are.
 */
export async function mergeResultCommand(log: vscode.LogOutputChannel, arg: unknown): Promise<MergedResult | false> {
  const home = loomHome();
  const runId = runIdOf(arg) ?? (await pickRun(home));
  if (!runId) return false;
  const state = finishedRun(home, runId);
  const merged = state.tasks.filter((t) => t.status === 'merged').length;
  const partial = state.status !== 'succeeded';
  if ((arg as { confirmed?: unknown } | undefined)?.confirmed !== true) {
    const action = partial ? 'Merge Partial Result' : 'Merge';
    const answer = await vscode.window.showInformationMessage(
      `Loom: merge the result of run ${runId} into your branch?`,
      {
        modal: true,
        detail: `${state.integrationBranch ?? `loom/${runId}/integration`} (${merged} of ${state.tasks.length} tasks${partial ? `; the run ${state.status}` : ''}) goes into the branch checked out in ${state.repo}: a fast-forward when your branch has not moved, else a merge commit. Nothing changes if the working tree has uncommitted changes or the two conflict.`,
      },
      action,
    );
    if (answer !== action) return false;
  }
  const result = await mergeRunResult(state, { partial });
  const text =
    result.how === 'alreadyMerged'
      ? `${result.into} already has everything on ${result.from}`
      : `${result.how === 'fastForward' ? 'fast-forwarded' : 'merged'} ${result.from} into ${result.into} (${result.head.slice(0, 10)})`;
  log.info(`run ${runId}: ${text}`);
  void vscode.window.showInformationMessage(`Loom: ${text}.`);
  return result;
}

/** Finished runs that left a result, newest first. */
async function pickRun(home: string): Promise<string | undefined> {
  const runs = listRuns(home).filter((r) => r.status === 'succeeded' || r.status === 'failed' || r.status === 'escalated' || r.status === 'stopped');
  if (runs.length === 0) {
    void vscode.window.showInformationMessage(`Loom: no finished run in ${home}.`);
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    runs.map((r) => ({ label: r.runId, description: `${r.status} · ${r.repo ?? 'repository unknown'}`, runId: r.runId })),
    { title: 'Loom: merge the result of which run into your branch?' },
  );
  return pick?.runId;
}
