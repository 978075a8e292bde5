import { MessageChannel, Worker } from 'node:worker_threads';
import { serveSpawnRequests } from '../process/spawnHelper';
import type { Disposable } from '../../base/disposable';

/**
 * Agent worker threads started ahead of need: a worker loads its bundle (hundreds of milliseconds,
 * seconds when eight start at once on a small machine) while the coordinator plans or while other
 * agents work, and an agent takes one that is ready. A worker that has not been given a job waits for
 * its `agent/start` message and holds nothing of any agent. Taken workers belong to their AgentThread;
 * idle ones end with the pool.
 */
/** Idle workers cost memory (and make every fork of this process slower): a wave beyond this starts them as it goes. */
const MAX_IDLE = 9;

export class WorkerPool implements Disposable {
  private idle: Worker[] = [];
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

  /** Starts workers until `count` are idle (a wave of agents is about to start: the plan's first tasks), at most MAX_IDLE. */
  warm(count: number): void {
    while (!this.disposed && this.idle.length < Math.min(count, MAX_IDLE)) this.idle.push(this.start());
  }

  /** A ready worker if one is idle, else a new one; then the pool is topped up in the background. */
  take(): Worker {
    const worker = this.idle.shift() ?? startAgentWorker(this.script, this.options.maxHeapMb);
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
    await Promise.all(idle.map((w) => w.terminate()));
  }

  private start(): Worker {
    const worker = startAgentWorker(this.script, this.options.maxHeapMb);
    // A worker that dies while idle (it should not) leaves the pool; the next take starts a fresh one.
    const drop = () => (this.idle = this.idle.filter((w) => w !== worker));
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

/**
 * One agent worker thread. Its execArgv is empty: the worker is a self-contained bundle, and the host's
 * flags (a TypeScript loader, source maps, an inspector port) would make every worker load and parse
 * them again (a loader and a 6 MB source map per worker) for nothing.
 */
export function startAgentWorker(script: string, maxHeapMb?: number): Worker {
  // Its git commands go to the run's spawn helper through this port (a fork from a worker thread forks this whole process).
  const spawns = new MessageChannel();
  serveSpawnRequests(spawns.port1);
  return new Worker(script, {
    stdout: true,
    stderr: true,
    execArgv: [],
    resourceLimits: { maxYoungGenerationSizeMb: AGENT_YOUNG_GENERATION_MB, ...(maxHeapMb ? { maxOldGenerationSizeMb: maxHeapMb } : {}) },
    workerData: { spawnPort: spawns.port2 },
    transferList: [spawns.port2],
  });
}
