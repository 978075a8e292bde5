import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { subprocessEnv } from '../policy/subprocessEnv';
import { OutputCapture } from './truncate';

/** Thrown before anything runs when argv[0] is not on the allowlist. */
export class CommandNotAllowedError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly allowlist: readonly string[],
  ) {
    super(
      `command "${argv[0] ?? ''}" is not on the command allowlist (${allowlist.length ? allowlist.join(', ') : 'empty'}); ` +
        'add its program name to the allowlist to let the verifier run it',
    );
    this.name = 'CommandNotAllowedError';
  }
}

export interface RunCommandOptions {
  cwd: string;
  timeoutMs: number;
  /** Program names (matched against the basename of argv[0]) the verifier may run. */
  allowlist: readonly string[];
  /** Characters kept of stdout and of stderr each (head and tail). Default 16,000. */
  maxOutputChars?: number;
  signal?: AbortSignal;
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

/** The program name of argv[0]: its basename, without a Windows executable extension. */
export function programName(program: string): string {
  return path.basename(program.replace(/\\/g, '/')).replace(/\.(exe|cmd|bat)$/i, '');
}

export function isCommandAllowed(argv: readonly string[], allowlist: readonly string[]): boolean {
  if (argv.length === 0) return false;
  const name = programName(argv[0]);
  return allowlist.some((allowed) => programName(allowed) === name);
}

/** PATH, HOME and LANG from the host plus CI=1: never API keys or other secrets. */
export function minimalEnv(source: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return subprocessEnv([['CI', '1']], source);
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

const KILL_GRACE_MS = 2000;

/**
 * Runs an argv command without a shell, in its own process group so a timeout or cancellation
 * kills everything it started. Throws CommandNotAllowedError before spawning when argv[0] is not
 * allowed; every other outcome (non-zero exit, timeout, spawn failure) is a result, not a throw.
 */
export function runCommand(argv: readonly string[], options: RunCommandOptions): Promise<CommandResult> {
  if (!isCommandAllowed(argv, options.allowlist)) return Promise.reject(new CommandNotAllowedError(argv, options.allowlist));
  const maxChars = options.maxOutputChars ?? 16_000;
  const stdout = new OutputCapture(maxChars);
  const stderr = new OutputCapture(maxChars);
  const started = Date.now();

  return new Promise((resolve) => {
    let timedOut = false;
    let spawnError: string | undefined;
    let exited = false;
    let graceTimer: NodeJS.Timeout | undefined;

    const child = spawn(argv[0], argv.slice(1), {
      cwd: options.cwd,
      env: minimalEnv(),
      shell: false,
      detached: true, // its own process group: -pid reaches its children too
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    child.stdout.setEncoding('utf8').on('data', (d: string) => stdout.push(d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => stderr.push(d));

    const killGroup = (sig: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        // the group is already gone
      }
    };
    const stop = () => {
      killGroup('SIGTERM');
      graceTimer ??= setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    const onAbort = () => stop();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) stop();

    child.on('error', (err) => {
      spawnError = err.message;
    });
    child.on('exit', () => {
      exited = true;
      // Leftover background processes of the command would hold its pipes open: end them too.
      killGroup('SIGKILL');
    });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      if (graceTimer) clearTimeout(graceTimer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve({
        argv: [...argv],
        cwd: options.cwd,
        exitCode: spawnError !== undefined && !exited ? null : code,
        signal: sig,
        timedOut,
        ...(spawnError !== undefined ? { spawnError } : {}),
        stdout: stdout.text(),
        stderr: stderr.text(),
        durationMs: Date.now() - started,
      });
    });
  });
}
