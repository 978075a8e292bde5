import type { Finding } from '../../protocol/taskResult';
import { CommandNotAllowedError, commandPassed, describeExit, runCommand, type CommandResult, type CommandSandbox } from './runCommand';
import { truncateMiddle } from './truncate';

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

export interface FailToPassInput extends CommandCheckOptions {
  /** A checkout of the task's start commit. */
  baseDir: string;
  /** A checkout of the task branch (with the verifier's pristine tests). */
  branchDir: string;
  /** Extra runs on the branch after the first, to tell a flaky test from a fix. */
  reruns: number;
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

function notAllowed(err: CommandNotAllowedError): CheckOutcome {
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

/** Runs a check body, turning an allowlist refusal into a finding instead of a throw. */
async function guarded(body: () => Promise<CheckOutcome>): Promise<CheckOutcome> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof CommandNotAllowedError) return notAllowed(err);
    throw err;
  }
}

/**
 * Fail-to-pass: the command must fail on the start commit (else the test proves nothing about the
 * change) and pass on the branch, consistently over `1 + reruns` runs (else it is flaky).
 */
export function checkFailToPass(input: FailToPassInput): Promise<CheckOutcome> {
  return guarded(async () => {
    const run = (cwd: string) =>
      runCommand(input.command, { cwd, timeoutMs: input.timeoutMs, allowlist: input.allowlist, signal: input.signal, sandbox: input.sandboxFor?.(cwd) });
    const base = await run(input.baseDir);
    if (base.spawnError !== undefined) return failedToStart(base, 'base');
    if (commandPassed(base)) {
      return {
        passed: false,
        findings: [
          {
            severity: 'error',
            rule: 'failToPass/alreadyPasses',
            message: `"${show(input.command)}" already passes on the start commit, so it does not prove the change`,
            ...fileOf(input),
            evidence: evidence(base),
          },
        ],
        detail: `base: ${describeExit(base)} (expected a failure)`,
      };
    }
    const runs: CommandResult[] = [];
    for (let i = 0; i <= input.reruns; i++) {
      const r = await run(input.branchDir);
      if (r.spawnError !== undefined) return failedToStart(r, 'branch');
      runs.push(r);
      if (input.signal?.aborted) break;
    }
    const passes = runs.filter(commandPassed).length;
    const detail = `base: ${describeExit(base)} (fails, as expected); branch: ${passes}/${runs.length} runs passed`;
    if (passes === runs.length) return { passed: true, findings: [], detail };
    const failing = runs.find((r) => !commandPassed(r)) as CommandResult;
    if (passes > 0) {
      return {
        passed: false,
        findings: [
          {
            severity: 'error',
            rule: 'failToPass/flaky',
            message: `"${show(input.command)}" passed ${passes} of ${runs.length} runs on the branch: flaky, not a proven fix`,
            ...fileOf(input),
            evidence: evidence(failing),
          },
        ],
        detail,
      };
    }
    return {
      passed: false,
      findings: [
        {
          severity: 'error',
          rule: 'failToPass/stillFails',
          message: `"${show(input.command)}" still fails on the branch (${describeExit(failing)})`,
          ...fileOf(input),
          evidence: evidence(failing),
        },
      ],
      detail,
    };
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
