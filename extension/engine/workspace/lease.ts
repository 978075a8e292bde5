import type { Disposable } from '../../base/disposable';

/**
 * A lease: one git worktree (plus, for a task, its branch `loom/<runId>/<taskId>`) held by one agent.
 * The lease manager (leases.ts) makes and removes them; this file is what a holder sees, and the names.
 */
export interface Lease extends Disposable {
  /** The worktree's directory (canonical absolute path). */
  readonly path: string;
  /** Short branch name (`loom/<runId>/<taskId>`), or null for a detached checkout. */
  readonly branch: string | null;
  /** The commit the lease started from (recorded in the journal's `lease/didCreate`). */
  readonly startCommit: string;
  /** The commit the worktree's HEAD is on now. */
  head(): Promise<string>;
  /**
   * Removes the worktree (`git worktree remove --force`). The branch is kept unless
   * `deleteBranch` — the task's result lives on it. Removing twice is harmless.
   */
  remove(options?: { deleteBranch?: boolean }): Promise<void>;
  /** `remove()` keeping the branch. */
  dispose(): Promise<void>;
}

export class LeaseError extends Error {
  constructor(
    message: string,
    readonly code: 'invalidName' | 'rootInsideRepo' | 'pathExists' | 'branchExists' | 'branchMissing' | 'headMismatch' | 'checkedOutElsewhere',
  ) {
    super(message);
    this.name = 'LeaseError';
  }
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function assertName(kind: string, value: string): void {
  if (!NAME.test(value) || value.includes('..') || value.endsWith('.lock')) {
    throw new LeaseError(`invalid ${kind} "${value}": use letters, digits, '.', '_' and '-' (no '..', not ending in .lock)`, 'invalidName');
  }
}

export function taskBranch(runId: string, taskId: string): string {
  return `loom/${runId}/${taskId}`;
}

export function runBranchPrefix(runId: string): string {
  return `loom/${runId}/`;
}
