import { spawn, type ChildProcess } from 'node:child_process';
import { isMainThread } from 'node:worker_threads';
import type { Disposable } from '../../base/disposable';
import { deliver, startDirectly, type CommandEvent, type CommandEvents, type CommandRequest, type StartedCommand } from './commandStart';
import { killProcessTree } from './killProcessTree';

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

// Plain JS run with `node -e`: no bundle of its own to find or ship. Two kinds of request: a short
// command answered once it closed ({ id, file, ... }), and a streamed one ({ id, start }) whose
// events (commandStart.ts's CommandEvent) are sent as they happen, its pipes released on { release: id }.
const HELPER_SOURCE = `
const { spawn } = require('node:child_process');
const streamed = new Map();
function start(id, r) {
  const send = (e) => process.send({ id, event: e });
  let child;
  try {
    child = spawn(r.file, r.args, { cwd: r.cwd, env: r.env, detached: r.detached, shell: false, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  } catch (e) {
    send({ ev: 'error', message: String((e && e.message) || e), code: e && e.code });
    return;
  }
  let started = false;
  streamed.set(id, child);
  const out = bounded('out', r.maxBytes, send), err = bounded('err', r.maxBytes, send);
  child.on('spawn', () => { started = true; send({ ev: 'spawn', pid: child.pid }); });
  child.stdout.on('data', out.push);
  child.stderr.on('data', err.push);
  child.on('error', (e) => { if (!started) { streamed.delete(id); send({ ev: 'error', message: e.message, code: e.code }); } });
  child.on('exit', (code, signal) => { out.end(); err.end(); send({ ev: 'exit', code, signal }); });
  child.on('close', (code, signal) => { streamed.delete(id); out.end(); err.end(); if (started) send({ ev: 'close', code, signal }); });
}
// A stream forwarded up to maxBytes; past that only its last maxBytes are kept, sent at the end after the
// count of bytes left out: a command that prints without end costs bounded memory here and on the wire.
function bounded(ev, maxBytes, send) {
  let sent = 0, tail = [], tailBytes = 0, skipped = 0;
  return {
    push: (b) => {
      if (sent < maxBytes) {
        const head = b.subarray(0, maxBytes - sent);
        sent += head.length;
        send({ ev, data: head });
        b = b.subarray(head.length);
        if (!b.length) return;
      }
      tail.push(b);
      tailBytes += b.length;
      while (tailBytes - tail[0].length >= maxBytes) { tailBytes -= tail[0].length; skipped += tail.shift().length; }
    },
    end: () => {
      if (skipped) send({ ev: 'skip', stream: ev, bytes: skipped });
      for (const b of tail) send({ ev, data: b });
      tail = []; tailBytes = 0; skipped = 0;
    },
  };
}
process.on('message', (m) => {
  if (m.release !== undefined) {
    const child = streamed.get(m.release);
    if (child) { child.stdout.destroy(); child.stderr.destroy(); }
    return;
  }
  if (m.start) return start(m.id, m.start);
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
// Its owner is gone: so are the commands it streamed, with their groups (a sandbox dies with this process).
process.on('disconnect', () => {
  for (const child of streamed.values()) { try { process.kill(-child.pid, 'SIGKILL'); } catch (e) {} }
  process.exit(0);
});
`;

export class SpawnHelper {
  private readonly child: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, (result: SpawnResult) => void>();
  /** Streamed commands not yet closed, with the pid each reported (a dying helper's are killed from here). */
  private readonly streamed = new Map<number, { sink: (event: CommandEvent) => void; pid?: number; exit?: { code: number | null; signal: NodeJS.Signals | null } }>();
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
    this.child.on('message', (m: { id: number; event?: CommandEvent; code: number | null; signal: string | null; stdout: Uint8Array; stderr: Uint8Array; error?: string }) => {
      if (m.event) return this.onCommandEvent(m.id, m.event);
      const settle = this.pending.get(m.id);
      if (!settle) return;
      this.pending.delete(m.id);
      this.afterAnswer();
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

  /** Starts a streamed command in the helper; its events come as they happen. */
  start(request: CommandRequest, events: CommandEvents): StartedCommand {
    return this.startForwarding(request, (event) => deliver(event, events));
  }

  /** start(), its events handed on as the data they are (a worker's relay posts them as they come). */
  startForwarding(request: CommandRequest, sink: (event: CommandEvent) => void): StartedCommand {
    const id = this.nextId++;
    this.streamed.set(id, { sink });
    this.updateRef();
    this.child.send({ id, start: request });
    return { releasePipes: () => this.streamed.has(id) && !this.dead && this.child.send({ release: id }) };
  }

  /** Takes no new command; ends once the commands in flight have answered (a run's last git calls finish normally). */
  close(): void {
    this.closing = true;
    if (!this.inFlight()) this.child.kill();
  }

  private onCommandEvent(id: number, event: CommandEvent): void {
    const command = this.streamed.get(id);
    if (!command) return;
    if (event.ev === 'spawn') command.pid = event.pid;
    if (event.ev === 'exit') command.exit = { code: event.code, signal: event.signal };
    if (event.ev === 'close' || event.ev === 'error') {
      this.streamed.delete(id);
      this.afterAnswer();
    }
    command.sink(event);
  }

  private inFlight(): number {
    return this.pending.size + this.streamed.size;
  }

  private afterAnswer(): void {
    this.updateRef();
    if (this.closing && !this.inFlight()) this.child.kill();
  }

  /**
   * No more commands: a short one in flight may or may not have run, and its caller gets a failure to
   * read, never a second run. A streamed one that started is killed (with its group) and ends killed.
   */
  private end(why: string): void {
    if (this.dead) return;
    this.dead = true;
    for (const settle of this.pending.values()) settle({ code: null, signal: null, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), error: `the spawn helper ended (${why})` });
    this.pending.clear();
    for (const { sink, pid, exit } of this.streamed.values()) {
      if (pid === undefined) {
        sink({ ev: 'error', message: `the spawn helper ended (${why})` });
        continue;
      }
      // One that had exited keeps its exit (only its pipes were still open); the others are killed.
      if (exit) {
        sink({ ev: 'close', ...exit });
        continue;
      }
      killProcessTree(pid);
      sink({ ev: 'exit', code: null, signal: 'SIGKILL' });
      sink({ ev: 'close', code: null, signal: 'SIGKILL' });
    }
    this.streamed.clear();
  }

  /** The helper keeps this process alive only while a command is in flight. */
  private updateRef(): void {
    const channel = this.child.channel as { ref?: () => void; unref?: () => void } | undefined;
    if (this.inFlight()) {
      this.child.ref();
      channel?.ref?.();
    } else {
      this.child.unref();
      channel?.unref?.();
    }
  }
}

export function toBuffer(bytes: Uint8Array): Buffer {
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
  start(request: CommandRequest, events: CommandEvents): StartedCommand;
}

let relay: Spawner | null = null;

/** This thread's live helper, if a run holds one (the coordinator's side of a relay asks). */
export function liveHelper(): SpawnHelper | null {
  return helper?.alive ? helper : null;
}

/** An agent's worker thread starts its commands through the coordinator (spawnRelay.ts). */
export function useRelay(spawner: Spawner): void {
  relay = spawner;
}

/**
 * How this thread should start a command: the coordinator's thread through its live helper, an
 * agent's worker thread through the coordinator's (useSpawnRelay), or null: spawn directly.
 */
export function spawnHelper(): Spawner | null {
  if (relay) return relay;
  return helper?.alive ? helper : null;
}

/**
 * Starts a streamed command (runProcess's) the way this thread starts its commands: through the
 * helper, so that no fork copies this big process (verifier checks, sandboxed runs, setup recipes),
 * or directly where there is none (Loom's tool server process, a CLI call outside a run).
 */
export function startCommand(request: CommandRequest, events: CommandEvents): StartedCommand {
  return (spawnHelper() ?? { start: startDirectly }).start(request, events);
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
