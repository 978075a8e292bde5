import { acceptanceAllowlist } from '../policy/commandAllowlist';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { throwIfAborted } from '../../base/cancellation';
import type { AcceptanceCheck } from '../../protocol/plan';
import type { Finding } from '../../protocol/taskResult';
import { addUsage, type Usage } from '../../protocol/usage';
import type { VerifyJob } from '../../protocol/workerMessages';
import type { ModelProvider } from '../models/modelProvider';
import type { CheckReport } from './checkReport';
import { checkClaims } from './claimsCheck';
import { checkFailToPass, checkLint, checkPassToPass, notAllowed, type CheckOutcome } from './failToPass';
import { changedFiles, diffNameStatus, diffText, resolveCommit } from './gitDiff';
import { judge, type JudgmentRound } from './judgment';
import { restorePristineTests } from './pristineTests';
import { checkScope, scopeSummary } from './scopeCheck';
import { countOf } from '../../protocol/views/plural';
import { removeScratchWorktree } from './scratchWorktree';
import { detectTestEdits } from './testEdits';
import type { SandboxSpec } from '../../protocol/sandbox';
import { removeTree } from '../sandbox/removeTree';
import { CommandNotAllowedError, type CommandSandbox } from './runCommand';
import { commandKey, readBaseRuns, uniqueCommands } from './baseResults';
import { baseRunKeyOf, failToPassCommands, makeStartCommitRuns } from './startCommitRuns';
import { openVerifierWorktree, type VerifierWorktree } from './verifierWorktree';
import { checkoutConfinement, setUpCheckout, setupCheckName } from './verifierCheckout';

export type VerifyTaskInput = Pick<
  VerifyJob,
  | 'spec'
  | 'task'
  | 'result'
  | 'repo'
  | 'startCommit'
  | 'headCommit'
  | 'scratchDir'
  | 'worktree'
  | 'baseRunsDir'
  | 'commandAllowlist'
  | 'lintCommand'
  | 'flakeReruns'
  | 'commandTimeoutMs'
> & {
  /** Characters of the diff the judgment sees (head and tail). */
  maxDiffChars?: number;
  /** Where tests and lint run; absent: unconfined and without the repository's dependencies. */
  sandbox?: { spec: SandboxSpec; runId: string; agentId: string };
  /** The repository's setup recipe, run in each checkout before the checks. */
  setup?: string | null;
};

export interface VerifyTaskDeps {
  /** The judgment model; without one, verification is deterministic only. */
  provider?: ModelProvider;
  signal?: AbortSignal;
  /** Each check as it finishes, for the journal and the dashboard. */
  onCheck?: (check: CheckReport) => void;
  /** Each judgment response, for journaling. */
  onResponse?: (round: JudgmentRound) => void;
}

export interface VerifyTaskOutput {
  /** No error-severity finding. */
  passed: boolean;
  findings: Finding[];
  checks: CheckReport[];
  /** Whether the model judgment ran (only when every deterministic check passed). */
  judged: boolean;
  usage: Usage;
}

function label(kind: string, command: readonly string[]): string {
  const text = command.join(' ');
  return `${kind}: ${text.length > 80 ? `${text.slice(0, 77)}…` : text}`;
}

function hasError(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

/**
 * Verifies one task branch against its start commit: test edits, the start commit's runs of the
 * fail-to-pass commands (from the run's cache when an earlier round or task made them), the
 * verifier's pristine tests, the task's acceptance checks in order, the configured lint command,
 * scope and claims, then the model judgment if every deterministic check passed. Everything runs in
 * one checkout, reset from the start commit to the branch head (verifierWorktree.ts): kept for the
 * task's next round when `input.worktree` names it, else a throwaway one, always removed.
 */
export async function verifyTask(input: VerifyTaskInput, deps: VerifyTaskDeps = {}): Promise<VerifyTaskOutput> {
  const { signal } = deps;
  throwIfAborted(signal);
  const findings: Finding[] = [];
  const checks: CheckReport[] = [];
  let usage: Usage = { inputTokens: 0, outputTokens: 0 };
  const report = (check: string, outcome: CheckOutcome) => {
    throwIfAborted(signal); // a command killed by cancellation is not a failed check
    findings.push(...outcome.findings);
    const entry: CheckReport = { check, passed: outcome.passed, detail: outcome.detail };
    checks.push(entry);
    deps.onCheck?.(entry);
  };

  const [start, head] = await Promise.all([resolveCommit(input.repo, input.startCommit), resolveCommit(input.repo, input.headCommit)]);
  const acceptance: AcceptanceCheck[] = input.task.acceptance;
  const testFiles = [...new Set(acceptance.flatMap((c) => (c.kind === 'failToPass' ? c.testFiles : [])))];
  let branchSandbox: CommandSandbox | undefined;
  const allowlist = acceptanceAllowlist(input.commandAllowlist, input.sandbox !== undefined && input.sandbox.spec.kind !== 'none');
  const commandOptions = { timeoutMs: input.commandTimeoutMs, allowlist, signal, sandboxFor: () => branchSandbox };

  await fs.mkdir(input.scratchDir, { recursive: true });
  const scratch = await fs.mkdtemp(path.join(input.scratchDir, `verify-${input.task.id}-`));
  let worktree: VerifierWorktree | undefined;
  try {
    const commands = [...acceptance.map((c) => c.command), ...(input.lintCommand?.length ? [input.lintCommand] : [])];
    const failToPass = failToPassCommands(input.task);
    const baseKey = baseRunKeyOf(start, input);
    const baseRuns = await readBaseRuns(input.baseRunsDir, failToPass, baseKey);
    const toRun = uniqueCommands(failToPass).filter((c) => !baseRuns.has(commandKey(c)));
    const dir = input.worktree ?? path.join(scratch, 'checkout');
    // The checkout is made (or reset) while the test edits and the diff are read from git objects
    // and the sandbox is prepared: none needs another.
    const [opened, edited, confined, diffed] = await Promise.allSettled([
      openVerifierWorktree(input.repo, dir, toRun.length > 0 ? start : head),
      detectTestEdits(input.repo, start, head, testFiles, { fileScope: input.task.fileScope, commands }),
      checkoutConfinement(input, scratch),
      diffNameStatus(input.repo, start, head),
    ]);
    if (opened.status === 'rejected') throw opened.reason;
    const checkout = opened.value;
    worktree = checkout;
    if (edited.status === 'rejected') throw edited.reason;
    if (confined.status === 'rejected') throw confined.reason;
    if (diffed.status === 'rejected') throw diffed.reason;
    const confine = confined.value;
    const addedFiles = diffed.value.filter((f) => f.status === 'A').map((f) => f.path);
    // The judgment's diff is read while the checks run (it is only used if they pass).
    const judgedDiff = deps.provider ? diffText(input.repo, start, head) : undefined;
    judgedDiff?.catch(() => undefined); // awaited (and thrown) by the judgment

    // 1. Reward-hacking guard: edited or deleted tests and test configuration.
    const edits = edited.value;
    const editedCount = edits.filter((f) => f.rule === 'tests/edited').length;
    const added = edits.filter((f) => f.rule === 'tests/added').length;
    const configs = edits.filter((f) => f.rule === 'tests/configChanged').length;
    report('testEdits', {
      passed: !hasError(edits),
      findings: edits,
      detail: `${countOf(editedCount, 'existing test file')} edited or deleted, ${added} added, ${countOf(configs, 'test configuration change')}`,
    });

    // 2. The start commit's runs of the fail-to-pass commands: from the run's cache, else made in
    //    the verifier's one checkout at the start commit, which is then reset to the branch head.
    if (toRun.length > 0) {
      const made = await makeStartCommitRuns({
        dir,
        commands: toRun,
        sandbox: await confine(dir, 'start'),
        setup: input.setup,
        allowlist,
        timeoutMs: input.commandTimeoutMs,
        keyOf: baseKey,
        baseRunsDir: input.baseRunsDir,
        signal,
        onSetUp: (setUp) => report(setUp.check, setUp.outcome),
      });
      for (const [key, run] of made) baseRuns.set(key, run);
      await checkout.resetTo(head);
    } else if (input.setup && failToPass.length > 0) {
      // Cached runs are kept only when the setup recipe (part of their key) passed before them.
      report(setupCheckName('start commit'), { passed: true, findings: [], detail: 'ok when the cached start-commit runs were made' });
    }
    branchSandbox = await confine(dir, 'head');

    // 3. The verifier's own copy of the tests in the branch checkout.
    const pristine = await restorePristineTests({ dir, startCommit: start, testFiles, commands });
    report('pristineTests', {
      passed: pristine.missingAtStart.length === 0,
      findings: pristine.missingAtStart.map((file) => ({
        severity: 'error' as const,
        rule: 'tests/notFrozen',
        message: `the acceptance test ${file} does not exist at the task's start commit: acceptance tests are written before the implementor starts, and a test the implementor adds is never the evidence`,
        file,
      })),
      detail: pristine.summary,
    });

    // The repository's setup recipe, as the implementor's lease had it (after the restore, so it
    // builds with the start commit's configuration).
    if (input.setup) {
      const setUp = await setUpCheckout(input.setup, dir, 'branch', branchSandbox, signal);
      report(setUp.check, setUp.outcome);
    }

    // 4. The task's acceptance checks, in order.
    for (const check of acceptance) {
      throwIfAborted(signal);
      switch (check.kind) {
        case 'failToPass': {
          const base = baseRuns.get(commandKey(check.command));
          if (base === undefined) throw new Error(`no start-commit run of ${check.command.join(' ')}`);
          report(
            label('failToPass', check.command),
            base.result instanceof CommandNotAllowedError
              ? notAllowed(base.result)
              : await checkFailToPass({
                  ...commandOptions,
                  command: check.command,
                  testFiles: check.testFiles,
                  ...(check.testNames ? { testNames: check.testNames } : {}),
                  addedFiles,
                  baseResult: base.result,
                  cached: base.cached,
                  branchDir: dir,
                  reruns: input.flakeReruns,
                }),
          );
          break;
        }
        case 'passToPass':
          report(label('passToPass', check.command), await checkPassToPass({ ...commandOptions, command: check.command, dir }));
          break;
        case 'lint':
          report(label('lint', check.command), await checkLint({ ...commandOptions, command: check.command, dir }));
          break;
        default: {
          const never: never = check;
          throw new Error(`unknown acceptance check ${JSON.stringify(never)}`);
        }
      }
    }

    // 5. The run's configured lint command.
    if (input.lintCommand && input.lintCommand.length > 0) {
      throwIfAborted(signal);
      report(label('lint', input.lintCommand), await checkLint({ ...commandOptions, command: input.lintCommand, dir }));
    }

    // 6. Scope and handoff claims against the actual diff.
    const changed = await changedFiles(input.repo, start, head);
    const scope = checkScope(changed, input.task.fileScope);
    report('scope', {
      passed: !hasError(scope),
      findings: scope,
      detail: scopeSummary(changed.length, scope.length),
    });
    const claims = checkClaims(input.result, changed);
    report('claims', {
      passed: !hasError(claims),
      findings: claims,
      detail: claims.length ? claims.map((f) => f.message).join('; ') : `${countOf(input.result.filesChanged.length, 'claimed file')} ${input.result.filesChanged.length === 1 ? 'matches' : 'match'} the diff`,
    });

    // 7. Model judgment, last, and only when everything deterministic passed.
    let judged = false;
    if (deps.provider && !hasError(findings)) {
      throwIfAborted(signal);
      const outcome = await judge(
        {
          spec: input.spec,
          task: input.task,
          diff: await judgedDiff!,
          checks: [...checks],
          findings: [...findings],
          maxDiffChars: input.maxDiffChars,
        },
        { provider: deps.provider, signal, onResponse: deps.onResponse },
      );
      judged = true;
      usage = addUsage(usage, outcome.usage);
      report('judgment', outcome);
    }

    return { passed: !hasError(findings), findings, checks, judged, usage };
  } finally {
    // A kept checkout stays for the task's next round; a throwaway one goes now.
    if (worktree && input.worktree === undefined) await removeScratchWorktree(input.repo, worktree.dir);
    removeTree(scratch);
  }
}
