import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';

/** A command whose output is streamed back while it runs (runProcess's): verifier checks, sandboxed runs. */
export interface CommandRequest {
  file: string;
  args: readonly string[];
  cwd: string;
  /** The child's complete environment. */
  env: Record<string, string>;
  /** Lead a process group of its own. */
  detached: boolean;
  /**
   * Per stream, the bytes worth sending from its start and from its end; what lies between is only
   * counted (`skipped`). The helper bounds what crosses its channel by it; a direct start reads all.
   */
  maxBytes: number;
}

/** What happens to a started command, in order: spawned or failedToStart, output, exited, closed. */
export interface CommandEvents {
  spawned(pid: number): void;
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
  /** Bytes of a stream left out between what was sent from its start and from its end. */
  skipped(stream: 'out' | 'err', bytes: number): void;
  /** It never ran (ENOENT, a missing cwd); nothing else follows. */
  failedToStart(message: string, code: string | undefined): void;
  exited(code: number | null, signal: NodeJS.Signals | null): void;
  /** Its pipes are closed (after exited; at once after releasePipes). */
  closed(code: number | null, signal: NodeJS.Signals | null): void;
}

export interface StartedCommand {
  /** Stops reading its pipes (a leftover grandchild may hold them open after it exited): closed follows. */
  releasePipes(): void;
}

/**
 * The events of a command as plain data: what the spawn helper sends over its IPC channel, and what
 * the coordinator relays to a worker thread over a MessagePort. One decoder (`deliver`) for both.
 */
export type CommandEvent =
  | { ev: 'spawn'; pid: number }
  | { ev: 'out' | 'err'; data: Uint8Array }
  | { ev: 'skip'; stream: 'out' | 'err'; bytes: number }
  | { ev: 'error'; message: string; code?: string }
  | { ev: 'exit' | 'close'; code: number | null; signal: NodeJS.Signals | null };

export function deliver(event: CommandEvent, to: CommandEvents): void {
  switch (event.ev) {
    case 'spawn':
      return to.spawned(event.pid);
    case 'out':
      return to.stdout(asBuffer(event.data));
    case 'err':
      return to.stderr(asBuffer(event.data));
    case 'skip':
      return to.skipped(event.stream, event.bytes);
    case 'error':
      return to.failedToStart(event.message, event.code);
    case 'exit':
      return to.exited(event.code, event.signal);
    case 'close':
      return to.closed(event.code, event.signal);
  }
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Starts the command as a child of this process. */
export function startDirectly(request: CommandRequest, events: CommandEvents): StartedCommand {
  let child: ChildProcessByStdio<null, Readable, Readable>;
  try {
    child = spawn(request.file, request.args, {
      cwd: request.cwd,
      env: request.env,
      shell: false,
      detached: process.platform !== 'win32' && request.detached,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
  } catch (err) {
    // spawn throws at once for some failures (an argument with a NUL byte, E2BIG): an outcome all the same, as an event.
    const { message, code } = err as NodeJS.ErrnoException;
    process.nextTick(() => events.failedToStart(message, code));
    return { releasePipes: () => undefined };
  }
  let started = false;
  child.on('spawn', () => {
    started = true;
    events.spawned(child.pid!);
  });
  child.stdout.on('data', (chunk: Buffer) => events.stdout(chunk));
  child.stderr.on('data', (chunk: Buffer) => events.stderr(chunk));
  // After a start, 'error' is a failed kill or pipe: the exit and close events still tell the end.
  child.on('error', (err: NodeJS.ErrnoException) => {
    if (!started) events.failedToStart(err.message, err.code);
  });
  child.on('exit', (code, signal) => events.exited(code, signal));
  child.on('close', (code, signal) => {
    if (started) events.closed(code, signal);
  });
  return {
    releasePipes: () => {
      child.stdout.destroy();
      child.stderr.destroy();
    },
  };
}
