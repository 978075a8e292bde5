import * as vscode from 'vscode';
import type { RunState } from '../../protocol/runState';
import type { TaskLease } from './taskLeases';
import { changedFiles, GitContentProvider } from './gitContentProvider';

/**
 * Shows a task's branch against the commit it started from: one file in the diff editor, several
 * in the multi-file changes editor.
 */
export async function openTaskDiff(state: RunState, leases: ReadonlyMap<string, TaskLease>, taskId: string): Promise<void> {
  const task = state.tasks.find((t) => t.task.id === taskId);
  if (!task || !state.repo) throw new Error(`the current run has no task ${taskId}`);
  const repo = state.repo;
  const lease = leases.get(taskId);
  const base = lease?.startCommit ?? state.baseCommit;
  const head = task.headCommit ?? task.branch ?? lease?.branch ?? null;
  if (!base || !head) {
    void vscode.window.showInformationMessage(`Loom: task ${taskId} has no commits yet.`);
    return;
  }
  const files = await changedFiles(repo, base, head);
  if (files.length === 0) {
    void vscode.window.showInformationMessage(`Loom: task ${taskId} changed no files.`);
    return;
  }
  const pair = (path: string) => ({
    left: GitContentProvider.uri({ repo, rev: base, path }),
    right: GitContentProvider.uri({ repo, rev: head, path }),
  });
  const title = `${taskId}: ${base.slice(0, 8)} ↔ ${task.branch ?? head.slice(0, 8)}`;
  if (files.length === 1) {
    const { left, right } = pair(files[0]);
    await vscode.commands.executeCommand('vscode.diff', left, right, `${files[0]} (${title})`);
    return;
  }
  const resources = files.map((path) => {
    const { left, right } = pair(path);
    return [vscode.Uri.joinPath(vscode.Uri.file(repo), path), left, right];
  });
  await vscode.commands.executeCommand('vscode.changes', title, resources);
}
