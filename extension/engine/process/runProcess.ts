import { StringDecoder } from 'node:string_decoder';
import { killProcessTree } from './killProcessTree';
import { OutputCapture } from './outputCapture';
import { startCommand } from './spawnHelper';

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

/** Commands still running (their pids, once started), so that a server can end them all when it shuts down. */
const running = new Set<{ pid?: number }>();

/** Ends every running child and its descendants; used on shutdown. */
export function killAllRunning(): void {
  for (const command of running) killProcessTree(command.pid);
}

/**
 * The one way Loom runs a command to completion: argv without a shell, in a process group of its
 * own, with a timeout and cancellation that end it and everything it started (SIGTERM, then
 * SIGKILL), bounded output, and the group killed when it exits so nothing outlives it. Every
 * outcome — non-zero exit, timeout, cancellation, a program that cannot start — is a result.
 * In a run the command is started by the spawn helper (startCommand), never by a fork of this process.
 */
export function runProcess(argv: readonly string[], options: RunProcessOptions): Promise<ProcessOutcome> {
  const started = Date.now();
  const stdout = new OutputCapture(options.maxOutputChars);
  const stderr = new OutputCapture(options.maxOutputChars);
  const stdoutText = new StringDecoder('utf8');
  const stderrText = new StringDecoder('utf8');
  return new Promise((resolve) => {
    let timedOut = false;
    let cancelled = false;
    let spawnError: { message: string; code?: string } | undefined;
    let graceTimer: NodeJS.Timeout | undefined;
    let settled = false;
    const self: { pid?: number } = {};
    /** A signal asked for before the helper said the pid: sent once it does. */
    let pendingSignal: NodeJS.Signals | undefined;

    const signalTree = (signal: NodeJS.Signals): void => {
      if (self.pid === undefined) pendingSignal = signal;
      else killProcessTree(self.pid, signal);
    };
    const stop = (): void => {
      signalTree('SIGTERM');
      graceTimer ??= setTimeout(() => signalTree('SIGKILL'), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    const onAbort = (): void => {
      cancelled = true;
      stop();
    };

    const done = (code: number | null, sig: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (graceTimer) clearTimeout(graceTimer);
      options.signal?.removeEventListener('abort', onAbort);
      running.delete(self);
      stdout.push(stdoutText.end());
      stderr.push(stderrText.end());
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

    running.add(self);
    const command = startCommand(
      // A UTF-8 character is at most 4 bytes: what is sent from each end covers the capture's head and tail.
      { file: argv[0], args: argv.slice(1), cwd: options.cwd, env: options.env, detached: options.ownProcessGroup !== false, maxBytes: options.maxOutputChars * 4 },
      {
        spawned: (pid) => {
          self.pid = pid;
          if (pendingSignal) killProcessTree(pid, pendingSignal);
        },
        stdout: (chunk) => stdout.push(stdoutText.write(chunk)),
        stderr: (chunk) => stderr.push(stderrText.write(chunk)),
        skipped: (stream, bytes) => (stream === 'out' ? stdout : stderr).skip(bytes),
        failedToStart: (message, code) => {
          spawnError = { message, code };
          done(null, null);
        },
        exited: (code, sig) => {
          // Whatever it left running in its group goes with it.
          killProcessTree(self.pid, 'SIGKILL');
          setTimeout(() => {
            command.releasePipes();
            done(code, sig);
          }, PIPE_DRAIN_MS).unref();
        },
        closed: (code, sig) => done(code, sig),
      },
    );
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
  });
}
