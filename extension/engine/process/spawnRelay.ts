import type { MessagePort } from 'node:worker_threads';
import { deliver, startDirectly, type CommandEvent, type CommandEvents, type CommandRequest, type StartedCommand } from './commandStart';
import { killProcessTree } from './killProcessTree';
import { liveHelper, spawnDirectly, toBuffer, useRelay, type SpawnRequest, type SpawnResult } from './spawnHelper';

// An agent's worker thread starts its commands through the coordinator's spawn helper (spawnHelper.ts):
// a fork from a worker thread copies the whole process as one from the coordinator's thread does.

/** Worker to coordinator: a short command, a streamed one, or the release of a streamed one's pipes. */
type RelayRequest = { id: number; request: SpawnRequest } | { id: number; start: CommandRequest } | { id: number; release: true };
/** Coordinator to worker: a short command's result, or a streamed one's event (`unavailable`: no helper, start it directly). */
type RelayReply = { id: number; result: SpawnResult | null } | { id: number; event: CommandEvent | { ev: 'unavailable' } };

/**
 * The coordinator's side of a worker's relay: runs the worker's requests through the live helper, or
 * answers that there is none (no run holds one) so the worker spawns directly. A worker thread forking
 * this whole process costs the same as the coordinator doing it (spawnHelper.ts's first comment).
 */
export function serveSpawnRequests(port: MessagePort): void {
  const started = new Map<number, { command: StartedCommand; pid?: number }>();
  let workerGone = false;
  port.on('message', (message: RelayRequest) => {
    const live = liveHelper();
    const { id } = message;
    if ('release' in message) {
      started.get(id)?.command.releasePipes();
      return;
    }
    if ('start' in message) {
      if (!live) {
        port.postMessage({ id, event: { ev: 'unavailable' } } satisfies RelayReply);
        return;
      }
      const entry: { command: StartedCommand; pid?: number } = {
        command: live.startForwarding(message.start, (event) => {
          if (event.ev === 'spawn') entry.pid = event.pid;
          if (event.ev === 'close' || event.ev === 'error') started.delete(id);
          // Started after its worker ended: nobody waits for it, and its timeout was the worker's.
          if (workerGone) {
            if (event.ev === 'spawn') killProcessTree(event.pid);
            return;
          }
          port.postMessage({ id, event } satisfies RelayReply);
        }),
      };
      started.set(id, entry);
      return;
    }
    if (!live) {
      port.postMessage({ id, result: null } satisfies RelayReply);
      return;
    }
    void live.run(message.request).then((result) => port.postMessage({ id, result } satisfies RelayReply));
  });
  // The worker ended (its agent stopped, or it was terminated): what it still ran goes too. A command the
  // worker forked itself died with its thread (bubblewrap's --die-with-parent); the helper outlives it.
  port.once('close', () => {
    workerGone = true;
    for (const { command, pid } of started.values()) {
      killProcessTree(pid);
      command.releasePipes();
    }
  });
  port.unref();
}

/** An agent's worker thread sends its commands to the coordinator's helper over `port`. */
export function useSpawnRelay(port: MessagePort): void {
  const answers = new Map<number, (result: SpawnResult | null) => void>();
  const streams = new Map<number, { request: CommandRequest; events: CommandEvents; direct?: StartedCommand }>();
  let nextId = 1;
  const settled = (): void => {
    if (!answers.size && !streams.size) port.unref();
  };
  port.on('message', (reply: RelayReply) => {
    if ('event' in reply) {
      const stream = streams.get(reply.id);
      if (!stream) return;
      if (reply.event.ev === 'unavailable') {
        stream.direct = startDirectly(stream.request, {
          ...stream.events,
          failedToStart: (message, code) => (streams.delete(reply.id), settled(), stream.events.failedToStart(message, code)),
          closed: (code, signal) => (streams.delete(reply.id), settled(), stream.events.closed(code, signal)),
        });
        return;
      }
      if (reply.event.ev === 'close' || reply.event.ev === 'error') {
        streams.delete(reply.id);
        settled();
      }
      deliver(reply.event, stream.events);
      return;
    }
    const settle = answers.get(reply.id);
    answers.delete(reply.id);
    settled();
    settle?.(reply.result ? { ...reply.result, stdout: toBuffer(reply.result.stdout), stderr: toBuffer(reply.result.stderr) } : null);
  });
  port.unref();
  useRelay({
    run: async (request) => {
      const id = nextId++;
      const answer = new Promise<SpawnResult | null>((resolve) => answers.set(id, resolve));
      port.ref();
      port.postMessage({ id, request: { ...request, input: request.input === undefined ? undefined : Buffer.from(request.input) } } satisfies RelayRequest);
      return (await answer) ?? spawnDirectly(request);
    },
    start: (request, events) => {
      const id = nextId++;
      const stream: { request: CommandRequest; events: CommandEvents; direct?: StartedCommand } = { request, events };
      streams.set(id, stream);
      port.ref();
      port.postMessage({ id, start: request } satisfies RelayRequest);
      return {
        releasePipes: () => {
          if (stream.direct) stream.direct.releasePipes();
          else if (streams.has(id)) port.postMessage({ id, release: true } satisfies RelayRequest);
        },
      };
    },
  });
}
