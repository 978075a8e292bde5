import * as vscode from 'vscode';
import type { RunState } from '../../protocol/runState';
import { GitContentProvider } from './gitContentProvider';

/**
 * For a conflict a person merges by hand: the conflicted files, integration branch ↔ held task, side
 * by side, and the git commands that start the merge.
 */
export async function openConflict(state: RunState, escalationId: string): Promise<void> {
  const escalation = state.escalations.find((e) => e.escalationId === escalationId);
  if (!escalation || escalation.kind !== 'conflict' || !state.repo) return;
  const repo = state.repo;
  const held = state.tasks.find((t) => t.task.id === escalation.taskIds[escalation.taskIds.length - 1]);
  const ours = state.integrationBranch;
  const theirs = held?.branch ?? held?.headCommit;
  if (!ours || !theirs) return;
  const resources = escalation.files.map((f) => [
    vscode.Uri.joinPath(vscode.Uri.file(repo), f.path),
    GitContentProvider.uri({ repo, rev: ours, path: f.path }),
    GitContentProvider.uri({ repo, rev: theirs, path: f.path }),
  ]);
  if (resources.length) await vscode.commands.executeCommand('vscode.changes', `${escalationId}: ${ours} ↔ ${theirs}`, resources);
  const command = `git switch ${ours} && git merge ${theirs}`;
  const answer = await vscode.window.showInformationMessage(
    `Loom: ${escalationId} is yours to merge. In ${repo}: ${command}, then resolve the conflicts in VS Code's merge editor.`,
    'Copy Command',
  );
  if (answer) await vscode.env.clipboard.writeText(command);
}
