import { spawn, type ChildProcess } from 'node:child_process';
import { killProcessTree } from './killProcessTree';
import { OutputCapture } from './outputCapture';

export interface ProcessOutcome {
  /** null when killed by a signal or never started. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  cancelled: boolean;
  /** Set when the process could not be started (e.g. ENOENT). */
  spawnError?: string;
  spawnErrorCode?: string;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface RunProcessOptions {
  cwd: string;
  /** The child's complete environment: nothing from process.env is added. */
  env: Record<string, string>;
  timeoutMs: number;
  /** Characters kept per stream: the first quarter and the last three quarters. */
  maxOutputChars: number;
  signal?: AbortSignal;
  /**
   * Lead a process group of its own (default). Loom's tool server keeps its commands in its own
   * group instead, so that when the server itself is killed its whole group — commands included — goes too.
   */
  ownProcessGroup?: boolean;
}

const KILL_GRACE_MS = 2000;
/** Leftover background processes may hold the pipes open after the child exits: wait this long at most. */
const PIPE_DRAIN_MS = 500;

/** Children still running, so that a server can end them all when it shuts down. */
const running = new Set<ChildProcess>();

/** Ends every running child and its descendants; used on shutdown. */
export function killAllRunning(): void {
  for (const child of running) killProcessTree(child.pid);
}

/**
 * The one way Loom runs a command to completion: argv without a shell, in a process group of its
 * own, with a timeout and cancellation that end it and everything it started (SIGTERM, then
 * SIGKILL), bounded output, and the group killed when it exits so nothing outlives it. Every
 * outcome — non-zero exit, timeout, cancellation, a program that cannot start — is a result.
 */
export function runProcess(argv: readonly string[], options: RunProcessOptions): Promise<ProcessOutcome> {
  const started = Date.now();
  const stdout = new OutputCapture(options.maxOutputChars);
  const stderr = new OutputCapture(options.maxOutputChars);
  return new Promise((resolve) => {
    let timedOut = false;
    let cancelled = false;
    let spawnError: NodeJS.ErrnoException | undefined;
    let graceTimer: NodeJS.Timeout | undefined;
    let settled = false;

    const child = spawn(argv[0], argv.slice(1), {
      cwd: options.cwd,
      env: options.env,
      shell: false,
      detached: process.platform !== 'win32' && options.ownProcessGroup !== false,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    running.add(child);
    child.stdout.setEncoding('utf8').on('data', (d: string) => stdout.push(d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => stderr.push(d));

    const stop = (): void => {
      killProcessTree(child.pid, 'SIGTERM');
      graceTimer ??= setTimeout(() => killProcessTree(child.pid, 'SIGKILL'), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    const onAbort = (): void => {
      cancelled = true;
      stop();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();

    const done = (code: number | null, sig: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (graceTimer) clearTimeout(graceTimer);
      options.signal?.removeEventListener('abort', onAbort);
      running.delete(child);
      resolve({
        exitCode: spawnError ? null : code,
        signal: sig,
        timedOut,
        cancelled,
        ...(spawnError ? { spawnError: spawnError.message, spawnErrorCode: spawnError.code } : {}),
        stdout: stdout.text(),
        stderr: stderr.text(),
        durationMs: Date.now() - started,
      });
    };
    child.on('error', (err: NodeJS.ErrnoException) => {
      spawnError = err;
      if (child.pid === undefined) done(null, null);
    });
    child.on('exit', (code, sig) => {
      // Whatever it left running in its group goes with it.
      killProcessTree(child.pid, 'SIGKILL');
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        done(code, sig);
      }, PIPE_DRAIN_MS).unref();
    });
    child.on('close', (code, sig) => done(code, sig));
  });
}
