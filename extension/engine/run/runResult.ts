import { readJournal } from '../journal/journalReader';
import { foldEvents } from '../../protocol/reduce';
import type { RunState } from '../../protocol/runState';
import { runGit } from '../workspace/git';
import { integrationBranch } from '../merge/integrate';
import { runPaths } from './runPaths';
import { existsSync } from 'node:fs';

/** Bringing a run's result into the user's branch, or cleaning a run up, cannot be done as asked: the message says why and what to do. */
export class RunResultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunResultError';
  }
}

/** A finished run's journal, folded: the repository and the integration branch it left. */
export function finishedRun(home: string, runId: string): RunState & { repo: string } {
  const { journal } = runPaths(home, runId);
  if (!existsSync(journal)) throw new RunResultError(`no run ${runId} under ${home} (loom runs lists them; set --loom-home or LOOM_HOME to where it was kept)`);
  const state = foldEvents(readJournal(journal).events);
  if (!state.repo) throw new RunResultError(`the journal of run ${runId} does not say which repository it ran on`);
  return state as RunState & { repo: string };
}

/** Where a run's integration branch stands against the user's own branches. */
export interface ResultBranch {
  branch: string;
  /** Its head, or null when the branch is gone. */
  head: string | null;
  /** Commits on it that no branch outside loom/ (local or remote) has: what deleting it would lose. */
  unmergedCommits: number;
}

export async function resultBranch(repo: string, runId: string): Promise<ResultBranch> {
  const branch = integrationBranch(runId);
  const head = await runGit(repo, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], { okExitCodes: [0, 1] });
  if (head.exitCode !== 0) return { branch, head: null, unmergedCommits: 0 };
  const commit = head.stdout.trim();
  // --exclude applies to the --branches after it: the run's own branches do not count as a home for its result.
  const count = await runGit(repo, ['rev-list', '--count', commit, '--not', '--exclude=loom/*', '--branches', '--remotes']);
  return { branch, head: commit, unmergedCommits: Number(count.stdout.trim()) };
}
