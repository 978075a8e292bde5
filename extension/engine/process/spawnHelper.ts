import { spawn, type ChildProcess } from 'node:child_process';
import { isMainThread, type MessagePort } from 'node:worker_threads';
import type { Disposable } from '../../base/disposable';

/**
 * A small Node process that starts short commands (git) for the coordinator's thread.
 *
 * Why: on Linux, Node starts a child with fork(), which copies this process's page tables and blocks
 * the calling thread while it does. With agent worker threads loaded, this process is hundreds of
 * megabytes and each spawn blocked the coordinator's event loop for tens of milliseconds (measured:
 * 10 ms alone, 36 ms with 8 workers, 57 ms at 1 GB), hundreds of times a run, delaying every agent's
 * model admission and journal write. The helper is started while this process is still small; it
 * forks from its own small heap, and the coordinator only exchanges messages with it.
 *
 * It runs only what the git layer asks (a fixed program and the environment the layer built, never
 * this process's), streams nothing, and ends with its owner: the last `acquireSpawnHelper` handle
 * disposed (a run's end), or the owner's exit (the IPC channel closes).
 */
export interface SpawnRequest {
  file: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  input?: string | Buffer;
}

export interface SpawnResult {
  code: number | null;
  signal: string | null;
  stdout: Buffer;
  stderr: Buffer;
  /** Why the command could not start (ENOENT, a missing cwd), as spawn's 'error' said. */
  error?: string;
}

// Plain JS run with `node -e`: no bundle of its own to find or ship.
const HELPER_SOURCE = `
const { spawn } = require('node:child_process');
process.on('message', (m) => {
  const out = [], err = [];
  let error;
  let child;
  try {
    child = spawn(m.file, m.args, { cwd: m.cwd, env: m.env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
  } catch (e) {
    process.send({ id: m.id, code: null, signal: null, stdout: new Uint8Array(0), stderr: new Uint8Array(0), error: String((e && e.message) || e) });
    return;
  }
  child.stdout.on('data', (b) => out.push(b));
  child.stderr.on('data', (b) => err.push(b));
  child.on('error', (e) => { error = e.message; });
  child.stdin.on('error', () => {});
  child.stdin.end(m.input === undefined ? '' : Buffer.from(m.input));
  child.on('close', (code, signal) => process.send({ id: m.id, code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err), error }));
});
process.on('disconnect', () => process.exit(0));
`;

class SpawnHelper {
  private readonly child: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, (result: SpawnResult) => void>();
  private dead = false;
  private closing = false;

  constructor() {
    this.child = spawn(process.execPath, ['-e', HELPER_SOURCE], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      serialization: 'advanced',
      // Its own environment is nothing of this process's: each request carries the one its command gets.
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ELECTRON_RUN_AS_NODE: '1' },
      windowsHide: true,
    });
    this.child.on('message', (m: { id: number; code: number | null; signal: string | null; stdout: Uint8Array; stderr: Uint8Array; error?: string }) => {
      const settle = this.pending.get(m.id);
      if (!settle) return;
      this.pending.delete(m.id);
      this.updateRef();
      if (this.closing && !this.pending.size) this.child.kill();
      settle({ code: m.code, signal: m.signal, stdout: toBuffer(m.stdout), stderr: toBuffer(m.stderr), error: m.error });
    });
    this.child.on('exit', (code, signal) => this.end(signal ?? `exit ${code}`));
    this.child.on('error', (err) => this.end(err.message));
    this.updateRef();
  }

  get alive(): boolean {
    return !this.dead && !this.closing;
  }

  run(request: SpawnRequest): Promise<SpawnResult> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.updateRef();
      this.child.send({ id, file: request.file, args: request.args, cwd: request.cwd, env: request.env, input: request.input === undefined ? undefined : Buffer.from(request.input) });
    });
  }

  /** Takes no new command; ends once the commands in flight have answered (a run's last git calls finish normally). */
  close(): void {
    this.closing = true;
    if (!this.pending.size) this.child.kill();
  }

  /** No more commands: one in flight may or may not have run, and its caller gets a failure to read, never a second run. */
  private end(why: string): void {
    if (this.dead) return;
    this.dead = true;
    for (const settle of this.pending.values()) settle({ code: null, signal: null, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), error: `the spawn helper ended (${why})` });
    this.pending.clear();
  }

  /** The helper keeps this process alive only while a command is in flight. */
  private updateRef(): void {
    const channel = this.child.channel as { ref?: () => void; unref?: () => void } | undefined;
    if (this.pending.size) {
      this.child.ref();
      channel?.ref?.();
    } else {
      this.child.unref();
      channel?.unref?.();
    }
  }
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

let helper: SpawnHelper | null = null;
let holders = 0;

/**
 * Starts the helper for this thread (the coordinator's only: a worker thread spawns directly) and
 * keeps it until every handle is disposed. A run holds one from its start to its end.
 */
export function acquireSpawnHelper(): Disposable {
  if (!isMainThread || process.platform === 'win32') return { dispose: () => undefined };
  holders++;
  if (!helper?.alive) helper = new SpawnHelper();
  let released = false;
  return {
    dispose: () => {
      if (released) return;
      released = true;
      if (--holders === 0) {
        helper?.close();
        helper = null;
      }
    },
  };
}

export interface Spawner {
  run(request: SpawnRequest): Promise<SpawnResult>;
}

let relay: Spawner | null = null;

/**
 * How this thread should start a short command: the coordinator's thread through its live helper, an
 * agent's worker thread through the coordinator's (useSpawnRelay), or null: spawn directly.
 */
export function spawnHelper(): Spawner | null {
  if (relay) return relay;
  return helper?.alive ? helper : null;
}

/** Starts one command here, as a child of this process (what the helper itself does). */
export function spawnDirectly(request: SpawnRequest): Promise<SpawnResult> {
  return new Promise((resolve) => {
    const child = spawn(request.file, request.args, { cwd: request.cwd, env: request.env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let failure: string | undefined;
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => (failure = e.message));
    child.stdin.on('error', () => undefined); // the command may exit before reading it all; its exit code tells
    child.stdin.end(request.input ?? ''); // no input: end of file at once, it never waits on stdin
    child.on('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err), error: failure }));
  });
}

type RelayReply = { id: number; result: SpawnResult | null };

/**
 * The coordinator's side of a worker's relay: runs the worker's requests through the live helper, or
 * answers null (no run holds one) so the worker spawns directly. A worker thread forking this whole
 * process costs the same as the coordinator doing it (spawnHelper.ts's first comment).
 */
export function serveSpawnRequests(port: MessagePort): void {
  port.on('message', (message: { id: number; request: SpawnRequest }) => {
    const live = helper?.alive ? helper : null;
    if (!live) {
      port.postMessage({ id: message.id, result: null } satisfies RelayReply);
      return;
    }
    void live.run(message.request).then((result) => port.postMessage({ id: message.id, result } satisfies RelayReply));
  });
  port.unref();
}

/** An agent's worker thread sends its short commands to the coordinator's helper over `port`. */
export function useSpawnRelay(port: MessagePort): void {
  const pending = new Map<number, (result: SpawnResult | null) => void>();
  let nextId = 1;
  port.on('message', (reply: RelayReply) => {
    const settle = pending.get(reply.id);
    pending.delete(reply.id);
    if (!pending.size) port.unref();
    settle?.(reply.result ? { ...reply.result, stdout: toBuffer(reply.result.stdout), stderr: toBuffer(reply.result.stderr) } : null);
  });
  port.unref();
  relay = {
    run: async (request) => {
      const id = nextId++;
      const answer = new Promise<SpawnResult | null>((resolve) => pending.set(id, resolve));
      port.ref();
      port.postMessage({ id, request: { ...request, input: request.input === undefined ? undefined : Buffer.from(request.input) } });
      return (await answer) ?? spawnDirectly(request);
    },
  };
}
