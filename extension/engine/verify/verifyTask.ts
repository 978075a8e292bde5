import { acceptanceAllowlist } from '../policy/commandAllowlist';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { throwIfAborted } from '../../base/cancellation';
import type { AcceptanceCheck } from '../../protocol/plan';
import type { Finding } from '../../protocol/taskResult';
import type { Usage } from '../../protocol/usage';
import type { VerifyJob } from '../../protocol/workerMessages';
import type { ModelProvider } from '../models/modelProvider';
import type { CheckReport } from './checkReport';
import { checkClaims } from './claimsCheck';
import { checkFailToPass, checkLint, checkPassToPass, type CheckOutcome } from './failToPass';
import { changedFiles, diffNameStatus, diffText, resolveCommit } from './gitDiff';
import { judge, type JudgmentRound } from './judgment';
import { restorePristineTests } from './pristineTests';
import { checkScope, scopeSummary } from './scopeCheck';
import { countOf } from '../../protocol/views/plural';
import { addScratchWorktree, type ScratchWorktree } from './scratchWorktree';
import { detectTestEdits } from './testEdits';
import type { SandboxSpec } from '../../protocol/sandbox';
import { agentEnvironment } from '../sandbox/agentEnvironment';
import { prepareDependencyMounts } from '../sandbox/dependencyMounts';
import { removeTree } from '../sandbox/removeTree';
import { runSetupRecipe } from '../sandbox/setupRecipe';
import { writeMaskedGitConfig } from '../sandbox/gitConfigMask';
import { sandboxRunner } from '../sandbox/sandboxRunner';
import { gitOut } from '../workspace/git';
import type { CommandSandbox } from './runCommand';

export type VerifyTaskInput = Pick<
  VerifyJob,
  'spec' | 'task' | 'result' | 'repo' | 'startCommit' | 'headCommit' | 'scratchDir' | 'commandAllowlist' | 'lintCommand' | 'flakeReruns' | 'commandTimeoutMs'
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
 * Verifies one task branch against its start commit: test edits, the verifier's pristine tests,
 * the task's acceptance checks in order, the configured lint command, scope and claims, then the
 * model judgment if every deterministic check passed. The two scratch worktrees are always removed.
 */
export async function verifyTask(input: VerifyTaskInput, deps: VerifyTaskDeps = {}): Promise<VerifyTaskOutput> {
  const { signal } = deps;
  throwIfAborted(signal);
  const findings: Finding[] = [];
  const checks: CheckReport[] = [];
  const usage: Usage = { inputTokens: 0, outputTokens: 0 };
  const report = (check: string, outcome: CheckOutcome) => {
    throwIfAborted(signal); // a command killed by cancellation is not a failed check
    findings.push(...outcome.findings);
    const entry: CheckReport = { check, passed: outcome.passed, detail: outcome.detail };
    checks.push(entry);
    deps.onCheck?.(entry);
  };

  const start = await resolveCommit(input.repo, input.startCommit);
  const head = await resolveCommit(input.repo, input.headCommit);
  const acceptance: AcceptanceCheck[] = input.task.acceptance;
  const testFiles = [...new Set(acceptance.flatMap((c) => (c.kind === 'failToPass' ? c.testFiles : [])))];
  const addedFiles = (await diffNameStatus(input.repo, start, head)).filter((f) => f.status === 'A').map((f) => f.path);
  const sandboxes = new Map<string, CommandSandbox>();
  const confined = input.sandbox !== undefined && input.sandbox.spec.kind !== 'none';
  const allowlist = acceptanceAllowlist(input.commandAllowlist, confined);
  const commandOptions = { timeoutMs: input.commandTimeoutMs, allowlist, signal, sandboxFor: (dir: string) => sandboxes.get(dir) };

  await fs.mkdir(input.scratchDir, { recursive: true });
  const scratch = await fs.mkdtemp(path.join(input.scratchDir, `verify-${input.task.id}-`));
  const worktrees: ScratchWorktree[] = [];
  try {
    const branch = await addScratchWorktree(input.repo, scratch, 'head', head);
    worktrees.push(branch);
    let base: ScratchWorktree | undefined;
    if (acceptance.some((c) => c.kind === 'failToPass')) {
      base = await addScratchWorktree(input.repo, scratch, 'start', start);
      worktrees.push(base);
    }
    if (input.sandbox && input.sandbox.spec.kind !== 'none') {
      const { spec, runId, agentId } = input.sandbox;
      const gitCommonDir = path.resolve(input.repo, await gitOut(input.repo, ['rev-parse', '--git-common-dir']));
      const gitConfigMask = await writeMaskedGitConfig(gitCommonDir, path.join(scratch, 'git-config'));
      for (const wt of worktrees) {
        const dependencies = await prepareDependencyMounts(input.repo, wt.dir, `${wt.dir}-deps`, { copyOnWrite: spec.unshare !== undefined });
        sandboxes.set(wt.dir, {
          runner: sandboxRunner(spec),
          confinement: { writable: [wt.dir], readable: [], dependencies, network: 'loopback', gitCommonDir, gitConfigMask },
          env: agentEnvironment({ runId, agentId }),
        });
      }
    }

    // 1. Reward-hacking guard: edited or deleted tests and test configuration.
    const commands = [...acceptance.map((c) => c.command), ...(input.lintCommand?.length ? [input.lintCommand] : [])];
    const edits = await detectTestEdits(input.repo, start, head, testFiles, { fileScope: input.task.fileScope, commands });
    const edited = edits.filter((f) => f.rule === 'tests/edited').length;
    const added = edits.filter((f) => f.rule === 'tests/added').length;
    const configs = edits.filter((f) => f.rule === 'tests/configChanged').length;
    report('testEdits', {
      passed: !hasError(edits),
      findings: edits,
      detail: `${countOf(edited, 'existing test file')} edited or deleted, ${added} added, ${countOf(configs, 'test configuration change')}`,
    });

    // 2. The verifier's own copy of the tests in the branch checkout.
    const pristine = await restorePristineTests({ dir: branch.dir, startCommit: start, testFiles, commands });
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

    // 3. The repository's setup recipe in each checkout, as the implementor's lease had it (after the
    //    restore, so it builds with the start commit's configuration).
    if (input.setup) {
      for (const wt of worktrees) {
        throwIfAborted(signal);
        const outcome = await runSetupRecipe(input.setup, wt.dir, sandboxes.get(wt.dir), signal);
        const where = wt === branch ? 'branch' : 'start commit';
        report(`setup (${where} checkout)`, {
          passed: outcome.passed,
          findings: outcome.passed
            ? []
            : [{ severity: 'error', rule: 'setup/failed', message: `the setup recipe failed in the ${where} checkout (${outcome.exitCode === null ? 'killed' : `exit ${outcome.exitCode}`}), so its tests cannot be trusted`, evidence: outcome.output.slice(-1500) }],
          detail: `${outcome.passed ? 'ok' : 'failed'} in ${(outcome.durationMs / 1000).toFixed(1)} s`,
        });
      }
    }


    // 4. The task's acceptance checks, in order.
    for (const check of acceptance) {
      throwIfAborted(signal);
      switch (check.kind) {
        case 'failToPass':
          report(
            label('failToPass', check.command),
            await checkFailToPass({
              ...commandOptions,
              command: check.command,
              testFiles: check.testFiles,
              ...(check.testNames ? { testNames: check.testNames } : {}),
              addedFiles,
              baseDir: (base as ScratchWorktree).dir,
              branchDir: branch.dir,
              reruns: input.flakeReruns,
            }),
          );
          break;
        case 'passToPass':
          report(label('passToPass', check.command), await checkPassToPass({ ...commandOptions, command: check.command, dir: branch.dir }));
          break;
        case 'lint':
          report(label('lint', check.command), await checkLint({ ...commandOptions, command: check.command, dir: branch.dir }));
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
      report(label('lint', input.lintCommand), await checkLint({ ...commandOptions, command: input.lintCommand, dir: branch.dir }));
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
          diff: await diffText(input.repo, start, head),
          checks: [...checks],
          findings: [...findings],
          maxDiffChars: input.maxDiffChars,
        },
        { provider: deps.provider, signal, onResponse: deps.onResponse },
      );
      judged = true;
      usage.inputTokens += outcome.usage.inputTokens;
      usage.outputTokens += outcome.usage.outputTokens;
      report('judgment', outcome);
    }

    return { passed: !hasError(findings), findings, checks, judged, usage };
  } finally {
    for (const wt of worktrees.reverse()) await wt.remove().catch(() => undefined);
    removeTree(scratch);
  }
}
