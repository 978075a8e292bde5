import type { Confinement } from '../../protocol/sandbox';
import { describeAllowlist, isCommandAllowed } from '../policy/commandAllowlist';
import { subprocessEnv } from '../policy/subprocessEnv';
import { runProcess } from '../process/runProcess';
import type { SandboxRunner } from '../sandbox/sandboxRunner';

/** Thrown before anything runs when argv[0] is not on the allowlist. */
export class CommandNotAllowedError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly allowlist: readonly string[],
  ) {
    super(
      `command "${argv[0] ?? ''}" is not on the command allowlist (${describeAllowlist(allowlist)}); ` +
        'add its program name to the allowlist to let the verifier run it',
    );
    this.name = 'CommandNotAllowedError';
  }
}

/** Where a verifier or merge check runs: the sandbox and what it may see; absent only in tests of this file. */
export interface CommandSandbox {
  runner: SandboxRunner;
  confinement: Confinement;
  /** Variables on top of the minimal environment (LOOM_AGENT_ID, TMPDIR, PORT…). */
  env: ReadonlyArray<readonly [string, string]>;
}

export interface RunCommandOptions {
  cwd: string;
  timeoutMs: number;
  /** Program names the verifier may run (policy/commandAllowlist: the one rule). */
  allowlist: readonly string[];
  /** Characters kept of stdout and of stderr each (head and tail). Default 16,000. */
  maxOutputChars?: number;
  signal?: AbortSignal;
  sandbox?: CommandSandbox;
}

export interface CommandResult {
  argv: string[];
  cwd: string;
  /** null when the process was killed by a signal or never started. */
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** Set when the process could not be started (e.g. ENOENT). */
  spawnError?: string;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** The environment of every command Loom runs for a task (checks, setup): minimal, CI=1, plus the sandbox's variables. */
export function commandEnv(sandbox: CommandSandbox | undefined): Record<string, string> {
  return subprocessEnv([['CI', '1'], ...(sandbox?.env ?? [])]);
}

export function commandPassed(result: CommandResult): boolean {
  return result.exitCode === 0 && !result.timedOut && result.spawnError === undefined;
}

/** One line that says how a command ended, for check details and findings. */
export function describeExit(result: CommandResult): string {
  if (result.spawnError !== undefined) return `could not start: ${result.spawnError}`;
  if (result.timedOut) return `timed out after ${result.durationMs} ms`;
  if (result.exitCode !== null) return `exit ${result.exitCode}`;
  return `killed by ${result.signal ?? 'a signal'}`;
}

/**
 * Runs a verifier or merge-check command (tests, lint) in the task's sandbox, through the one
 * process layer. Throws CommandNotAllowedError before spawning when argv[0] is not allowed; every
 * other outcome (non-zero exit, timeout, spawn failure) is a result, not a throw.
 */
export async function runCommand(argv: readonly string[], options: RunCommandOptions): Promise<CommandResult> {
  if (!isCommandAllowed(argv, options.allowlist)) throw new CommandNotAllowedError(argv, options.allowlist);
  const sandbox = options.sandbox;
  const spawned = sandbox ? sandbox.runner.wrap(argv, sandbox.confinement, options.cwd) : [...argv];
  const outcome = await runProcess(spawned, {
    cwd: options.cwd,
    env: commandEnv(sandbox),
    timeoutMs: options.timeoutMs,
    maxOutputChars: options.maxOutputChars ?? 16_000,
    signal: options.signal,
  });
  return {
    argv: [...argv],
    cwd: options.cwd,
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    timedOut: outcome.timedOut,
    ...(outcome.spawnError !== undefined ? { spawnError: outcome.spawnError } : {}),
    stdout: outcome.stdout,
    stderr: outcome.stderr,
    durationMs: outcome.durationMs,
  };
}
