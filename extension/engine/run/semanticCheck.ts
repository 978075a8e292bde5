import { acceptanceAllowlist } from '../policy/commandAllowlist';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { availableParallelism } from 'node:os';
import { inLanes } from '../../base/inLanes';
import { throwIfAborted } from '../../base/cancellation';
import type { AcceptanceCheck } from '../../protocol/plan';
import { mergePoints } from '../merge/mergePoints';
import { runSetupRecipe } from '../sandbox/setupRecipe';
import { removeTree } from '../sandbox/removeTree';
import { checkPassToPass, type CheckOutcome } from '../verify/failToPass';
import type { CommandSandbox } from '../verify/runCommand';
import { addScratchWorktree, type ScratchWorktree } from '../verify/scratchWorktree';
import { gitOut, runGit } from '../workspace/git';
import { checkoutToolServer, commandSandbox } from './agentConfinement';
import type { RunContext } from './runContext';
import type { RunOptions } from './runOptions';

/** Runs one check command in a checkout, in lane `lane` (each lane its own sandbox); a failure is a result, never a throw. */
export type RunCheck = (dir: string, command: readonly string[], lane: number) => Promise<CheckOutcome>;

export interface SemanticCheckDeps {
  repo: string;
  /** Where the scratch worktree is made (the run's scratch folder). */
  scratchDir: string;
  /** The sandboxed runner the merge gate uses (see sandboxedSemanticDeps); default: checkPassToPass, unconfined, for tests. */
  runCheck?: RunCheck;
  /** After each checkout, before its checks (the setup recipe); a throw ends the whole check. */
  prepare?: (dir: string) => Promise<void>;
  /** Re-runs at the head of a check that failed there, to tell flaky from broken. Default 1. */
  reruns?: number;
  /** How many checks run side by side at the head (each lane with its own sandbox). Default 1. */
  lanes?: number;
  signal?: AbortSignal;
  /** Each command run, for the journal or progress. */
  onRun?: (run: { taskId: string; check: string; commit: string; passed: boolean; detail: string }) => void;
  /** First runs at an integration head, by tree and command, shared with the run's other checks (IntegrationPreview). */
  atHeads?: AtHeadRuns;
  /** Only the first run of each check at the head (a preview): no re-runs (not even alone), no bisection. */
  headOnly?: boolean;
}

/** Check outcomes at integration heads, keyed by the head's tree and the command: the same tree runs a check the same. */
export type AtHeadRuns = Map<string, Promise<CheckOutcome>>;

export interface SemanticTask {
  taskId: string;
  /** The task's own verified head. */
  headCommit: string;
  acceptance: readonly AcceptanceCheck[];
}

export interface SemanticCheckInput {
  baseCommit: string;
  integrationHead: string;
  /** The merged tasks, in any order: the order they landed in is read from the branch. */
  merged: readonly SemanticTask[];
}

export interface SemanticFailure {
  /** The task whose check fails. */
  taskId: string;
  /** The command, joined by spaces. */
  check: string;
  detail: string;
  /** The failing run's output, as the check reported it. */
  evidence?: string;
  /** The first integration commit at which the check fails, and the task whose merge made it. */
  introducedBy: { taskId: string; mergeCommit: string };
  /** Files that merge changed (against the merge point before it): where to look. */
  changedFiles: string[];
}

export interface CheckNote {
  taskId: string;
  check: string;
  detail: string;
}

export interface SemanticCheckResult {
  failures: SemanticFailure[];
  /** Failed at the head, then passed on a re-run there: not a failure, but worth saying. */
  flaky: CheckNote[];
  /** Fails on its own task's head too, in this checkout: the environment or the check, not a merge. */
  failsOnItsBranch: CheckNote[];
  /** Distinct (task, check) pairs run at the head. */
  checked: number;
}

// Lint checks are left out: they judge a branch's style, and a merge that breaks lint breaks no behaviour.
const BEHAVIOURAL: ReadonlySet<AcceptanceCheck['kind']> = new Set(['failToPass', 'passToPass']);

const short = (commit: string) => commit.slice(0, 10);

/** Side by side beyond this, checks mostly wait on each other (and each lane is a sandbox with its own dependencies). */
const MAX_LANES = 4;

/**
 * Semantic conflicts: a merge git calls clean can still break behaviour. Every merged task's
 * acceptance checks run together on the integration head, in one detached scratch worktree; a check
 * that fails there (and again on re-run) but passes on its own task's head is bisected over the
 * merge points of the integration branch to the first one where it fails, and that merge's task is
 * the one that introduced it. The scratch worktree is always removed.
 */
export async function findSemanticConflicts(deps: SemanticCheckDeps, input: SemanticCheckInput): Promise<SemanticCheckResult> {
  const runCheck = deps.runCheck ?? defaultRunCheck;
  const found = await mergePoints(deps.repo, input.baseCommit, input.integrationHead, input.merged);
  // The tasks in the order they landed on the branch, each with its merge point: what the bisection walks.
  const landed = input.merged.map((task, i) => ({ task, point: found[i] })).sort((x, y) => x.point.position - y.point.position);
  const [head, headTree] = (await gitOut(deps.repo, ['rev-parse', `${input.integrationHead}^{commit}`, `${input.integrationHead}^{tree}`])).split('\n');

  // The scratch worktree is made at the first command that must run here: none when every check at the
  // head was already run on the same tree (a preview while the last verdict was out).
  let worktree: ScratchWorktree | null = null;
  let at = '';
  const moveTo = async (commit: string) => {
    if (at === commit) return;
    throwIfAborted(deps.signal);
    if (!worktree) {
      await fs.mkdir(deps.scratchDir, { recursive: true });
      const scratch = await fs.mkdtemp(path.join(deps.scratchDir, 'semantic-'));
      worktree = await addScratchWorktree(deps.repo, scratch, 'integration', commit).catch((err: unknown) => {
        removeTree(scratch);
        throw err;
      });
    } else {
      // --force: a check may have left tracked files changed; untracked ones (dependency mount points, build output) stay.
      await runGit(worktree.dir, ['checkout', '--quiet', '--force', '--detach', commit]);
    }
    at = commit;
    await deps.prepare?.(worktree.dir);
  };
  // One move at a time: lanes that find a shared result gone run (and so move) on their own.
  let moving: Promise<void> = Promise.resolve();
  const checkout = (commit: string) => (moving = moving.catch(() => undefined).then(() => moveTo(commit)));
  // Tasks often share a command (`npm test`): one run per commit answers for all of them.
  const cache = new Map<string, CheckOutcome>();
  const keyOf = (commit: string, command: readonly string[]) => `${commit}\0${JSON.stringify(command)}`;
  // Every command started here, waited for before the worktree goes (a lane that failed does not stop the others at once).
  const inFlight = new Set<Promise<unknown>>();
  const runHere = async (command: readonly string[], commit: string, lane: number): Promise<CheckOutcome> => {
    await checkout(commit);
    throwIfAborted(deps.signal);
    const running = runCheck(worktree!.dir, command, lane);
    inFlight.add(running);
    const outcome = await running.finally(() => inFlight.delete(running));
    throwIfAborted(deps.signal); // a command killed by cancellation is not a failed check
    return outcome;
  };
  /** A first run at the head: shared by tree with other checks of the run (deps.atHeads), or made here. */
  const atHead = async (command: readonly string[], lane: number): Promise<CheckOutcome> => {
    const shared = deps.atHeads;
    if (!shared) return runHere(command, head, lane);
    const key = keyOf(headTree, command);
    const made = shared.get(key);
    if (made) {
      const outcome = await made.catch(() => null);
      if (outcome) return outcome;
    }
    // Not made, or the check that made it was cancelled (a preview whose task failed): made here.
    const making = runHere(command, head, lane);
    shared.set(key, making);
    making.catch(() => shared.get(key) === making && shared.delete(key));
    return making;
  };
  const run = async (taskId: string, command: readonly string[], commit: string, fresh = false, lane = 0): Promise<CheckOutcome> => {
    const key = keyOf(commit, command);
    const known = fresh ? undefined : cache.get(key);
    if (known) return known;
    const outcome = !fresh && commit === head ? await atHead(command, lane) : await runHere(command, commit, lane);
    if (!fresh || !cache.has(key)) cache.set(key, outcome);
    deps.onRun?.({ taskId, check: command.join(' '), commit, passed: outcome.passed, detail: outcome.detail });
    return outcome;
  };

  const result: SemanticCheckResult = { failures: [], flaky: [], failsOnItsBranch: [], checked: 0 };
  try {
    // Every check at the head first, so the worktree is checked out there once, side by side in
    // lanes. Checks side by side can get in each other's way (a shared build folder, a port): one
    // that fails there runs again alone, and that run is its result.
    const lanes = deps.lanes ?? 1;
    if (lanes > 1) {
      const checks = new Map<string, { taskId: string; command: readonly string[] }>();
      for (const { task } of landed) for (const check of task.acceptance) if (BEHAVIOURAL.has(check.kind)) checks.set(JSON.stringify(check.command), { taskId: task.taskId, command: check.command });
      const outcomes = await inLanes([...checks.values()], lanes, (c, lane) => run(c.taskId, c.command, head, false, lane));
      for (const [i, c] of [...checks.values()].entries()) {
        // A preview leaves the re-run alone to the integration phase: nothing else runs beside it then.
        if (outcomes[i].passed || deps.headOnly) continue;
        cache.set(keyOf(head, c.command), await run(c.taskId, c.command, head, true));
      }
    }
    const seen = new Set<string>();
    const broken: { index: number; command: readonly string[]; outcome: CheckOutcome }[] = [];
    for (const [index, { task }] of landed.entries()) {
      for (const check of task.acceptance) {
        const key = `${task.taskId}\0${JSON.stringify(check.command)}`;
        if (!BEHAVIOURAL.has(check.kind) || seen.has(key)) continue;
        seen.add(key);
        result.checked++;
        const outcome = await run(task.taskId, check.command, head);
        if (!outcome.passed) broken.push({ index, command: check.command, outcome });
      }
    }
    if (deps.headOnly) return result;

    for (const { index, command, outcome } of broken) {
      const { task } = landed[index];
      const check = command.join(' ');
      let passes = 0;
      for (let i = 0; i < (deps.reruns ?? 1); i++) if ((await run(task.taskId, command, head, true)).passed) passes++;
      if (passes > 0) {
        result.flaky.push({ taskId: task.taskId, check, detail: `failed at the integration head (${outcome.detail}), then passed ${passes} of ${deps.reruns ?? 1} re-run(s): flaky, not counted as a semantic conflict` });
        continue;
      }
      const own = await run(task.taskId, command, task.headCommit);
      if (!own.passed) {
        result.failsOnItsBranch.push({ taskId: task.taskId, check, detail: `fails on ${task.taskId}'s own head ${short(task.headCommit)} too (${own.detail}): the environment or the check, not a merge` });
        continue;
      }
      // Before the task's own merge its check tests code that is not there yet: search from that merge on.
      // Bisection assumes that once a merge breaks the check, the later ones keep it broken, and that
      // the head is the last merge point (integrate commits nothing else), so the last one fails.
      let lo = index;
      let hi = landed.length - 1;
      while (lo < hi) {
        const mid = Math.floor((lo + hi) / 2);
        if ((await run(task.taskId, command, landed[mid].point.commit)).passed) lo = mid + 1;
        else hi = mid;
      }
      const culprit = landed[hi].point;
      // Against the merge point before it, not `^1`: after a fast-forward that is the task's own previous commit.
      const before = landed.slice(0, hi).reverse().find((l) => l.point.commit !== culprit.commit)?.point.commit ?? input.baseCommit;
      const changedFiles = (await gitOut(deps.repo, ['diff', '--name-only', '--no-renames', before, culprit.commit])).split('\n').filter(Boolean);
      const evidence = outcome.findings.find((f) => f.evidence)?.evidence;
      result.failures.push({
        taskId: task.taskId,
        check,
        detail:
          culprit.taskId === task.taskId
            ? `passes on ${task.taskId}'s own head but fails from its own merge ${short(culprit.commit)} on: it does not hold on top of the tasks merged before it (${outcome.detail})`
            : `passes on ${task.taskId}'s own head and after its merge, fails from the merge of ${culprit.taskId} (${short(culprit.commit)}) on (${outcome.detail})`,
        ...(evidence ? { evidence } : {}),
        introducedBy: { taskId: culprit.taskId, mergeCommit: culprit.commit },
        changedFiles,
      });
    }
    return result;
  } finally {
    await Promise.allSettled([...inFlight]);
    await moving.catch(() => undefined);
    // The worktree and the scratch folder it was made in.
    const made = worktree as ScratchWorktree | null;
    await made?.remove().catch(() => undefined);
    if (made) removeTree(path.dirname(made.dir));
  }
}

/** Unconfined, for tests: the merge gate's pass-to-pass check with the default allowlist. */
const defaultRunCheck: RunCheck = (dir, command) => checkPassToPass({ dir, command, timeoutMs: 120_000, allowlist: ['node', 'npm', 'npx'] });

/**
 * The run's deps: checks run as the merge gate runs them (the sandbox Loom's tool server would have
 * in the scratch checkout, the run's allowlist and timeout), and the setup recipe after each
 * checkout, as in every lease and verifier checkout.
 */
export function sandboxedSemanticDeps(
  ctx: Pick<RunContext, 'runId' | 'paths' | 'sandbox' | 'signal' | 'setup'> & { options: Pick<RunOptions, 'repo' | 'bundle' | 'commandTimeoutMs' | 'commandAllowlist'> },
): SemanticCheckDeps {
  const sandboxes = new Map<string, Promise<CommandSandbox | undefined>>();
  // One per lane: copy-on-write dependencies need an upper folder each (two overlays on one corrupt it).
  const sandboxFor = (dir: string, lane = 0) => {
    let sandbox = sandboxes.get(`${dir}\0${lane}`);
    if (!sandbox) {
      sandbox = checkoutToolServer({
        sandbox: ctx.sandbox,
        options: ctx.options,
        runId: ctx.runId,
        agentId: 'semantic-check',
        lease: dir,
        runDir: ctx.paths.runDir,
        // The scratch folder's unique name: a later check in the same run gets fresh copy-on-write dependencies.
        leaseKey: `semantic-check-${path.basename(path.dirname(dir))}-${lane}`,
      }).then((toolServer) => commandSandbox(ctx.sandbox.spec, toolServer));
      sandboxes.set(`${dir}\0${lane}`, sandbox);
    }
    return sandbox;
  };
  const allowlist = acceptanceAllowlist(ctx.options.commandAllowlist, ctx.sandbox.spec.kind !== 'none');
  return {
    repo: ctx.options.repo,
    scratchDir: ctx.paths.scratch,
    signal: ctx.signal,
    // The setup recipe runs once per checkout, in lane 0's sandbox: what it writes into the copy-on-write
    // dependencies (an install, a build into node_modules) only that lane sees. So with a recipe, one lane.
    lanes: ctx.setup ? 1 : Math.min(availableParallelism(), MAX_LANES),
    runCheck: async (dir, command, lane) => {
      const sandbox = await sandboxFor(dir, lane);
      return checkPassToPass({ dir, command, timeoutMs: ctx.options.commandTimeoutMs, allowlist, signal: ctx.signal, sandboxFor: () => sandbox });
    },
    prepare: async (dir) => {
      if (!ctx.setup) return;
      const outcome = await runSetupRecipe(ctx.setup, dir, await sandboxFor(dir), ctx.signal);
      if (!outcome.passed) throw new Error(`the setup recipe failed in the semantic-check checkout (exit ${outcome.exitCode ?? 'killed'}):\n${outcome.output.slice(-1500)}`);
    },
  };
}
