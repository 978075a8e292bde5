import type { Finding } from '../../protocol/taskResult';
import { CommandNotAllowedError, commandPassed, describeExit, runCommand, type CommandResult, type CommandSandbox } from './runCommand';
import { truncateMiddle } from './truncate';
import { classifyBaseRun } from './runners/classifyBaseRun';
import { classifyBranchRun } from './runners/classifyBranchRun';
import { summarizeFailures } from './runners/failureSummary';
import { parseTestReport } from './runners/parseTestReport';
import type { TestReport } from './runners/testReport';
import { loadErrorIsAddedModule } from './missingModule';

/** The result of one deterministic check: passed means it produced no error finding. */
export interface CheckOutcome {
  passed: boolean;
  findings: Finding[];
  /** One or two lines for the check list: what ran and how it ended. */
  detail: string;
}

export interface CommandCheckOptions {
  command: readonly string[];
  timeoutMs: number;
  allowlist: readonly string[];
  signal?: AbortSignal;
  /** The test files the command runs: the first one is named in findings. */
  testFiles?: readonly string[];
  /** The sandbox a command runs in, per checkout folder. */
  sandboxFor?: (dir: string) => CommandSandbox | undefined;
}

/** The start-commit side: a checkout to run the command in once, or that run already made (verifyTask's base phase, or the run's cache). */
export type FailToPassBase = { baseDir: string } | { baseResult: CommandResult; /** It came from the run's cache (an earlier round or task). */ cached?: boolean };

export type FailToPassInput = FailToPassOptions & FailToPassBase;

interface FailToPassOptions extends CommandCheckOptions {
  /** A checkout of the task branch (with the verifier's pristine tests). */
  branchDir: string;
  /** Extra runs on the branch after a first pass, to tell a flaky test from a fix (the first failure ends them). */
  reruns: number;
  /** Tests the check names (as the runner reports them); absent: the ones that fail on the start commit. */
  testNames?: readonly string[];
  /** Files the task added: a base run that cannot load one of them is testing new code, not a broken environment. */
  addedFiles?: readonly string[];
}

const EVIDENCE_CHARS = 3000;

function show(command: readonly string[]): string {
  return command.join(' ');
}

function evidence(result: CommandResult): string {
  const out = [result.stdout.trim(), result.stderr.trim()].filter((s) => s.length > 0).join('\n--- stderr ---\n');
  return truncateMiddle(`$ ${show(result.argv)}  (${describeExit(result)})\n${out}`, EVIDENCE_CHARS);
}

function fileOf(options: CommandCheckOptions): { file?: string } {
  return options.testFiles?.length ? { file: options.testFiles[0] } : {};
}

/** A check whose command is not on the allowlist: a finding, nothing run. */
export function notAllowed(err: CommandNotAllowedError): CheckOutcome {
  return {
    passed: false,
    findings: [{ severity: 'error', rule: 'command/notAllowed', message: err.message }],
    detail: `not run: ${err.message}`,
  };
}

function failedToStart(result: CommandResult, where: string): CheckOutcome {
  return {
    passed: false,
    findings: [
      {
        severity: 'error',
        rule: 'command/failedToStart',
        message: `"${show(result.argv)}" could not start in the ${where} checkout: ${result.spawnError}`,
        evidence: evidence(result),
      },
    ],
    detail: `${where}: ${describeExit(result)}`,
  };
}

/** How many tests the start-commit run ran (counted, or named when it printed no counts). */
function ranOnBase(report: TestReport | null): number {
  if (!report) return 0;
  const c = report.counts;
  return c ? c.passed + c.failed : report.tests.filter((t) => t.status !== 'skipped').length;
}

/** Runs a check body, turning an allowlist refusal into a finding instead of a throw. */
async function guarded(body: () => Promise<CheckOutcome>): Promise<CheckOutcome> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof CommandNotAllowedError) return notAllowed(err);
    throw err;
  }
}

/** The runner's own report of a run, and how a person should read its failures. */
function readRun(command: readonly string[], result: CommandResult): { report: TestReport | null; failures: string } {
  const report = parseTestReport(command, result.stdout, result.stderr, result.exitCode);
  return { report, failures: report ? summarizeFailures(report) : '' };
}

/** Evidence that leads with what the runner said failed, then the output. */
function evidenceOf(result: CommandResult, failures: string): string {
  return failures ? truncateMiddle(`${failures}\n\n${evidence(result)}`, EVIDENCE_CHARS) : evidence(result);
}

function failure(input: FailToPassInput, rule: string, message: string, result: CommandResult, failures: string, detail: string): CheckOutcome {
  return { passed: false, findings: [{ severity: 'error', rule, message, ...fileOf(input), evidence: evidenceOf(result, failures) }], detail };
}

/**
 * Fail-to-pass, read from the test runner's own report, not only its exit code: on the start
 * commit at least one (named) test must run and fail for an assertion reason — a run that cannot
 * load, finds no tests or only throws proves nothing ("inconclusive") — and on the branch those
 * same tests must run and pass, on every one of `1 + reruns` runs (else it is flaky). The runs
 * stop at the first failure: the verdict is known, and another run would only cost time. Output no
 * runner adapter recognises falls back to exit codes, with a warning saying so.
 */
export function checkFailToPass(input: FailToPassInput): Promise<CheckOutcome> {
  return guarded(async () => {
    const run = (cwd: string) =>
      runCommand(input.command, { cwd, timeoutMs: input.timeoutMs, allowlist: input.allowlist, signal: input.signal, sandbox: input.sandboxFor?.(cwd) });
    const findings: Finding[] = [];
    const base = 'baseResult' in input ? input.baseResult : await run(input.baseDir);
    if (base.spawnError !== undefined) return failedToStart(base, 'base');
    const baseRead = readRun(input.command, base);
    const baseClass = classifyBaseRun(baseRead.report, input.testNames);
    if (commandPassed(base) || baseClass.verdict === 'alreadyPasses') {
      const why = baseRead.report ? baseClass.reason : 'it exits 0';
      return failure(input, 'failToPass/alreadyPasses', `"${show(input.command)}" already passes on the start commit (${why}), so it does not prove the change`, base, '', `base: ${describeExit(base)} (expected a failure)`);
    }
    // Tests of a new export fail on the start commit because it does not exist yet: that is the change.
    const added = input.addedFiles ?? [];
    const newCode =
      baseClass.verdict === 'inconclusive' &&
      ((baseClass.cause === 'errorsOnly' &&
        (baseClass.errorsAreMissingSymbols || baseClass.failedWithError.every((t) => loadErrorIsAddedModule(t.failure?.message, added)))) ||
        (baseClass.cause === 'loadError' && loadErrorIsAddedModule(baseRead.report?.loadError, added)));
    if (baseRead.report === null) {
      findings.push({
        severity: 'warning',
        rule: 'failToPass/unreadOutput',
        message: `no test-runner adapter recognised the output of "${show(input.command)}", so only its exit codes were compared`,
        ...fileOf(input),
      });
    } else if (baseClass.verdict === 'inconclusive' && !newCode) {
      return failure(
        input,
        'failToPass/inconclusive',
        `"${show(input.command)}" proves nothing on the start commit: ${baseClass.reason}. The environment may be broken (a missing install or build: see --setup) or the check names the wrong tests`,
        base,
        baseRead.failures,
        `base: inconclusive (${baseClass.cause})`,
      );
    }
    // The tests that failed on base are the ones the branch must make pass (or the check's own names).
    const followed = input.testNames?.length ? [...input.testNames] : [...baseClass.failedForAssertion, ...(newCode ? baseClass.failedWithError : [])].map((t) => t.name);
    const baseDetail = ('cached' in input && input.cached ? 'cached ' : '') + (!baseRead.report ? `base: ${describeExit(base)}` : newCode ? `base: fails because the code it tests is new (${baseClass.reason})` : `base: ${baseClass.reason}`);

    const runs: { result: CommandResult; passed: boolean; why: string; failures: string }[] = [];
    for (let i = 0; i <= input.reruns; i++) {
      const r = await run(input.branchDir);
      if (r.spawnError !== undefined) return failedToStart(r, 'branch');
      const read = readRun(input.command, r);
      const cls = classifyBranchRun(read.report, followed.length ? followed : undefined, input.testNames?.length ? undefined : { ranOnBase: ranOnBase(baseRead.report) });
      const passed = commandPassed(r) && (read.report === null || cls.verdict === 'passes');
      const why = !commandPassed(r) ? (read.report ? cls.reason : describeExit(r)) : read.report && cls.verdict !== 'passes' ? `it exits 0 but ${cls.reason}` : cls.reason;
      runs.push({ result: r, passed, why, failures: read.failures });
      if (!passed || input.signal?.aborted) break;
    }
    const passes = runs.filter((r) => r.passed).length;
    const detail = `${baseDetail}; branch: ${passes}/${runs.length} runs passed`;
    if (passes === runs.length) return { passed: true, findings, detail };
    const failing = runs.find((r) => !r.passed)!;
    if (passes > 0) {
      return failure(input, 'failToPass/flaky', `"${show(input.command)}" passed ${passes} of ${runs.length} runs on the branch: flaky, not a proven fix (${failing.why})`, failing.result, failing.failures, detail);
    }
    return failure(input, 'failToPass/stillFails', `"${show(input.command)}" does not pass on the branch: ${failing.why}`, failing.result, failing.failures, detail);
  });
}

/** Runs a command once in `dir`; a non-zero exit is one error finding under `rule`. */
async function mustPass(options: CommandCheckOptions & { dir: string }, rule: string, what: string): Promise<CheckOutcome> {
  return guarded(async () => {
    const r = await runCommand(options.command, {
      cwd: options.dir,
      timeoutMs: options.timeoutMs,
      allowlist: options.allowlist,
      signal: options.signal,
      sandbox: options.sandboxFor?.(options.dir),
    });
    if (r.spawnError !== undefined) return failedToStart(r, 'branch');
    if (commandPassed(r)) return { passed: true, findings: [], detail: `${describeExit(r)} in ${r.durationMs} ms` };
    return {
      passed: false,
      findings: [{ severity: 'error', rule, message: `${what} "${show(options.command)}" failed (${describeExit(r)})`, ...fileOf(options), evidence: evidence(r) }],
      detail: describeExit(r),
    };
  });
}

/** Pass-to-pass: a command that must still pass on the branch (the rest of the suite, a type check). */
export function checkPassToPass(options: CommandCheckOptions & { dir: string }): Promise<CheckOutcome> {
  return mustPass(options, 'passToPass/fails', 'the command');
}

/** Lint: the lint command must exit 0 on the branch. */
export function checkLint(options: CommandCheckOptions & { dir: string }): Promise<CheckOutcome> {
  return mustPass(options, 'lint', 'the lint command');
}
