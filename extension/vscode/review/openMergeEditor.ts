import * as vscode from 'vscode';
import type { RunController } from '../run/runController';
import type { ManualMerge } from '../../engine/run/manualMerge';
import { GitContentProvider } from './gitContentProvider';

/**
 * A conflict a person merges by hand, in VS Code's merge editor: the held task's merge is checked
 * out in a lease of its own (never the user's checkout), each conflicted file opens with base,
 * integration branch and task as inputs, and "Complete Merge" lands it once no marker is left.
 */
export async function openMergeEditor(controller: RunController, escalationId: string, log: vscode.LogOutputChannel): Promise<ManualMerge> {
  const merge = await controller.startManualMerge(escalationId);
  const repo = controller.state.repo!;
  const semantic = controller.state.escalations.find((e) => e.escalationId === escalationId)?.cause === 'semantic';
  if (semantic) {
    // Nothing to merge: both tasks are in. The person repairs the integration head in its own checkout.
    for (const file of merge.files) await vscode.window.showTextDocument(vscode.Uri.file(`${merge.worktree}/${file}`), { preview: false });
    offerCompletion(controller, escalationId, log, `Loom: fix the integration branch in ${merge.worktree} (both tasks' checks must pass), save, then complete.`);
    return merge;
  }
  for (const file of merge.files) {
    // `_open.mergeEditor` is the internal command VS Code's git extension uses; there is no public API.
    await vscode.commands.executeCommand('_open.mergeEditor', {
      base: GitContentProvider.uri({ repo, rev: merge.base ?? merge.ours, path: file }),
      input1: { uri: GitContentProvider.uri({ repo, rev: merge.ours, path: file }), title: 'Integration branch', description: merge.ours.slice(0, 10) },
      input2: { uri: GitContentProvider.uri({ repo, rev: merge.theirs, path: file }), title: merge.heldTaskId, description: merge.theirs.slice(0, 10) },
      output: vscode.Uri.file(`${merge.worktree}/${file}`),
    });
  }
  log.info(`${escalationId}: merge editor opened on ${merge.files.join(', ')} in ${merge.worktree}`);
  offerCompletion(controller, escalationId, log, `Loom: resolve ${merge.files.join(', ')} in the merge editor and save, then complete the merge of ${merge.heldTaskId}.`);
  return merge;
}

/** Not awaited: the person answers whenever they are done (or runs "Loom: Complete Merge"). */
function offerCompletion(controller: RunController, escalationId: string, log: vscode.LogOutputChannel, text: string): void {
  void vscode.window
    .showInformationMessage(text, 'Complete Merge')
    .then((answer) => (answer ? completeMerge(controller, escalationId, log) : undefined))
    .then(undefined, (err: unknown) => void vscode.window.showErrorMessage(`Loom: ${(err as Error)?.message ?? String(err)}`));
}

export async function completeMerge(controller: RunController, escalationId: string, log: vscode.LogOutputChannel): Promise<void> {
  // Unsaved merge results would be lost to the commit: save them first.
  await vscode.workspace.saveAll(false);
  const state = await controller.completeManualMerge(escalationId, 'user');
  log.info(`${escalationId} merged by hand; run ${state.status}`);
  void vscode.window.showInformationMessage(`Loom: ${escalationId} merged into ${state.integrationBranch}; the run is ${state.status}.`);
}
