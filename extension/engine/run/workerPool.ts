import { MessageChannel, Worker } from 'node:worker_threads';
import { serveSpawnRequests } from '../process/spawnRelay';
import type { Disposable } from '../../base/disposable';

/**
 * Agent worker threads started ahead of need: a worker loads its bundle (hundreds of milliseconds,
 * seconds when eight start at once on a small machine) while the coordinator plans or while other
 * agents work, and an agent takes one that is ready. A worker that has not been given a job waits for
 * its `agent/start` message, loading the agents' code meanwhile, and holds nothing of any agent. Taken workers belong to their AgentThread;
 * idle ones end with the pool.
 */
/** Idle workers cost memory (and make every fork of this process slower): beyond this, only a wave's own (see warm). */
const MAX_IDLE = 9;
/**
 * The most workers a wave warms ahead, whatever the run's concurrency: during planning the wave's size is
 * not known yet, and a wave warmed for more agents than the plan starts holds their memory idle.
 */
const MAX_WAVE = 16;

/** The agent code a waiting worker loads: the implementor's loop (model client, MCP client, fetch), the verifier's or the coordinator's. */
export type AgentCode = 'implementor' | 'verifier' | 'coordinator';

interface IdleWorker {
  worker: Worker;
  /** What it loads while it waits; null: nothing beyond its bundle (a coordinator's). */
  code: AgentCode | null;
}

export class WorkerPool implements Disposable {
  private idle: IdleWorker[] = [];
  private disposed = false;

  constructor(
    private readonly script: string,
    private readonly options: {
      /** The heap each worker may use (RunOptions.agentHeapMb). */
      maxHeapMb?: number;
      /** Workers kept ready after each take (the next agents' start); `warm` may start more for a wave. */
      keepIdle: number;
    },
  ) {}

  /**
   * Starts workers until `count` of this kind are idle (a wave of agents is about to start: the plan's
   * first tasks), at most MAX_IDLE in all, or the wave (up to MAX_WAVE) and the plain workers kept idle
   * when that is more: an agent of the wave that found no worker of its kind would load its code when its
   * job arrives, on its path to its first model call. `code`: the agents that will take them find it loaded.
   */
  warm(count: number, code: AgentCode | null = null): void {
    const ofKind = () => this.idle.filter((w) => w.code === code).length;
    const cap = Math.max(MAX_IDLE, Math.min(count, MAX_WAVE) + (code === null ? 0 : this.options.keepIdle));
    while (!this.disposed && ofKind() < count && this.idle.length < cap) this.idle.push({ worker: this.start(code), code });
  }

  /**
   * A ready worker: of the kind asked for if one is idle, else one with nothing loaded ahead, else any
   * (its preloaded code is only unused memory), else a new one. Then the pool is topped up in the background.
   */
  take(code: AgentCode | null = null): Worker {
    const matching = this.idle.findIndex((w) => w.code === code);
    const plain = this.idle.findIndex((w) => w.code === null);
    const [taken] = this.idle.splice(matching >= 0 ? matching : plain >= 0 ? plain : 0, 1);
    const worker = taken?.worker ?? startAgentWorker(this.script, this.options.maxHeapMb);
    setImmediate(() => this.warm(this.options.keepIdle));
    return worker;
  }

  get idleCount(): number {
    return this.idle.length;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const idle = this.idle;
    this.idle = [];
    await Promise.all(idle.map((w) => w.worker.terminate()));
  }

  private start(code: AgentCode | null): Worker {
    const worker = startAgentWorker(this.script, this.options.maxHeapMb, { preloadAgentCode: code ?? undefined });
    // A worker that dies while idle (it should not) leaves the pool; the next take starts a fresh one.
    const drop = () => (this.idle = this.idle.filter((w) => w.worker !== worker));
    worker.once('exit', drop);
    worker.once('error', drop);
    return worker;
  }
}

/**
 * The young generation of an agent's heap. Node's default lets it grow to tens of MB, which an idle agent
 * keeps: 4 MB held an idle implementor's worker at 22 MB instead of 27 (test/bench/agentFootprint.bench.ts),
 * with no slower JSON-heavy work (2 MB was 30% slower at it).
 */
const AGENT_YOUNG_GENERATION_MB = 4;
/** Every agent worker's heap limits (the bench's floor worker gets the same). */
export const AGENT_RESOURCE_LIMITS = { maxYoungGenerationSizeMb: AGENT_YOUNG_GENERATION_MB } as const;

/**
 * One agent worker thread. Its execArgv is empty: the worker is a self-contained bundle, and the host's
 * flags (a TypeScript loader, source maps, an inspector port) would make every worker load and parse
 * them again (a loader and a 6 MB source map per worker) for nothing.
 */
export function startAgentWorker(script: string, maxHeapMb?: number, options: { preloadAgentCode?: AgentCode } = {}): Worker {
  // Its git commands go to the run's spawn helper through this port (a fork from a worker thread forks this whole process).
  const spawns = new MessageChannel();
  serveSpawnRequests(spawns.port1);
  return new Worker(script, {
    stdout: true,
    stderr: true,
    execArgv: [],
    resourceLimits: { ...AGENT_RESOURCE_LIMITS, ...(maxHeapMb ? { maxOldGenerationSizeMb: maxHeapMb } : {}) },
    workerData: { spawnPort: spawns.port2, preloadAgentCode: options.preloadAgentCode },
    transferList: [spawns.port2],
  });
}
