import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventBody, RunEvent } from '../../protocol/events';
import { mergeIntent } from '../../protocol/effects';
import { reduce } from '../../protocol/reduce';
import type { RunState } from '../../protocol/runState';
import { gitOut, mergeBase, runGit } from '../workspace/git';
import { LeaseManager } from '../workspace/leases';
import { integrationBranch } from '../merge/integrate';
import { checkOutConflictedMerge, filesWithMarkers, landFix, landResolvedMerge } from '../merge/conflictedMerge';
import { EscalationError, settleRun } from './resolveEscalation';
import { checkMergedResult, type MergeGateInput } from './mergeGate';

export interface ManualMergeDeps {
  state: RunState;
  /** Where the run's leases live (runPaths().worktrees). */
  worktreesRoot: string;
  append: (body: EventBody) => RunEvent;
  /** What the merge gate needs to run both tasks' checks on the person's result, as it does on a merge agent's. */
  gate: Pick<MergeGateInput, 'options' | 'runId' | 'runDir'>;
}

export interface ManualMerge {
  escalationId: string;
  /** A lease of its own with the conflicted merge checked out: the merge editor's output files. */
  worktree: string;
  files: string[];
  /** Revisions for the merge editor's three inputs. */
  base: string | null;
  ours: string;
  theirs: string;
  heldTaskId: string;
}

const leaseName = (escalationId: string) => `merge-${escalationId}`;

/**
 * "Open the merge editor": the held task is merged into the integration head in a lease of its own
 * (never the user's checkout), conflict markers and all, for a person to resolve in VS Code's merge
 * editor. Nothing lands until completeManualMerge.
 */
export async function startManualMerge(deps: ManualMergeDeps, escalationId: string): Promise<ManualMerge> {
  const { escalation, held, branch } = openConflict(deps.state, escalationId);
  const repo = deps.state.repo!;
  const ours = (await gitOut(repo, ['rev-parse', '--verify', `refs/heads/${branch}^{commit}`])).trim();
  const leases = new LeaseManager({ repoDir: repo, root: deps.worktreesRoot });
  const lease = await leases.acquire({ runId: deps.state.runId!, taskId: leaseName(escalationId), startCommit: ours, reset: true });
  // A semantic conflict's tasks are both merged: the person fixes the integration head itself.
  const files = escalation.cause === 'semantic' ? [] : await checkOutConflictedMerge(lease.path, held.headCommit!);
  deps.append({ type: 'lease/didCreate', taskId: leaseName(escalationId), purpose: 'implement', branch: lease.branch, path: lease.path, startCommit: ours });
  return {
    escalationId,
    worktree: lease.path,
    files: files.length ? files : escalation.files.map((f) => f.path),
    base: await mergeBase(repo, ours, held.headCommit!),
    ours,
    theirs: held.headCommit!,
    heldTaskId: held.task.id,
  };
}

/** Lands what the person resolved: refused while any conflict marker is left. */
export async function completeManualMerge(deps: ManualMergeDeps, merge: Pick<ManualMerge, 'escalationId' | 'worktree' | 'files' | 'base' | 'ours' | 'theirs' | 'heldTaskId'>, by: string): Promise<RunState> {
  const { branch } = openConflict(deps.state, merge.escalationId);
  if (!existsSync(merge.worktree)) throw new EscalationError(`the merge of ${merge.escalationId} is no longer checked out at ${merge.worktree}: open the merge editor again`);
  const left = await filesWithMarkers(merge.worktree, merge.files);
  if (left.length) throw new EscalationError(`conflict markers are still in ${left.join(', ')}: resolve them (and save) before completing the merge`);
  const repo = deps.state.repo!;
  const semantic = openConflict(deps.state, merge.escalationId).escalation.cause === 'semantic';
  // VS Code's merge editor starts each conflict from the base: saved untouched, neither side survives.
  const untouched = semantic ? [] : await filesEqualToBase(repo, merge.worktree, merge.files, merge.base);
  if (untouched.length) {
    throw new EscalationError(`${untouched.join(', ')} is still the merge base: keep the current or incoming change (or both) in the merge editor, save, then complete the merge`);
  }
  const { escalation } = openConflict(deps.state, merge.escalationId);
  const tasks = escalation.taskIds.flatMap((id) => deps.state.tasks.filter((t) => t.task.id === id).map((t) => t.task));
  const gate = await checkMergedResult({ ...deps.gate, dir: merge.worktree, conflicted: merge.files, tasks, resolvedBy: `${by} (by hand)`, heldTaskId: merge.heldTaskId, append: deps.append });
  // The lease stays checked out: the person fixes the files and completes again.
  if (!gate.ok) throw new EscalationError(`the merge was not landed: ${gate.reason}. Fix it in ${merge.worktree} (the merge editor) and complete the merge again`);
  deps.append(mergeIntent(merge.heldTaskId, `resolved by hand for ${merge.escalationId}`));
  const commit = semantic
    ? await landFix(repo, merge.worktree, branch, merge.ours, `loom: integration fixed by hand for ${merge.heldTaskId} (${merge.escalationId}, ${by})`)
    : await landResolvedMerge({
        repo,
        worktree: merge.worktree,
        integrationBranch: branch,
        integrationHead: merge.ours,
        theirs: merge.theirs,
        message: `loom: merge ${merge.heldTaskId} resolved by hand (${merge.escalationId}, ${by})`,
      });
  let next = deps.state;
  const append = (body: EventBody): RunEvent => {
    const event = deps.append(body);
    next = reduce(next, event);
    return event;
  };
  append({ type: 'escalation/didResolve', escalationId: merge.escalationId, choice: 'manual', by });
  append({ type: 'merge/didMerge', taskId: merge.heldTaskId, branch, commit, tier: 'person' });
  // The lease's branch keeps the resolution's content; its worktree goes.
  await runGit(repo, ['worktree', 'remove', '--force', merge.worktree]);
  append({ type: 'lease/didRemove', path: merge.worktree });
  return settleRun(next, branch, append);
}

async function filesEqualToBase(repo: string, worktree: string, files: readonly string[], base: string | null): Promise<string[]> {
  if (!base) return [];
  const same: string[] = [];
  for (const file of files) {
    const atBase = await runGit(repo, ['show', `${base}:${file}`], { okExitCodes: [0, 128] });
    const now = await readFile(join(worktree, file), 'utf8').catch(() => null);
    if (atBase.exitCode === 0 && now !== null && now === atBase.stdout) same.push(file);
  }
  return same;
}

function openConflict(state: RunState, escalationId: string) {
  const escalation = state.escalations.find((e) => e.escalationId === escalationId);
  if (!escalation || escalation.kind !== 'conflict') throw new EscalationError(`run ${state.runId} has no conflict escalation ${escalationId}`);
  if (escalation.resolution) throw new EscalationError(`escalation ${escalationId} was already resolved (${escalation.resolution})`);
  const held = state.tasks.find((t) => t.task.id === escalation.taskIds[escalation.taskIds.length - 1]);
  if (!held?.headCommit) throw new EscalationError(`task ${escalation.taskIds.join(' x ')} has no verified branch to merge`);
  return { escalation, held, branch: state.integrationBranch ?? integrationBranch(state.runId!) };
}
