// Lean agents (issue 11, item 4): how fast an agent's worker is ready, how fast its tool server answers,
// and what an idle agent (its worker plus its tool server) holds in memory, each beside a bare baseline
// measured in the same run. Run after `npm run build`:  npx tsx test/bench/agentFootprint.bench.ts
//
// Definitions (the real code paths: AgentThread starts the worker, McpServerConnection spawns the server):
// - worker ready: AgentThread constructed → the worker answers its first message (its bundle loaded; the
//   message is a job it must refuse, so it answers without running one). Baseline: an empty Worker
//   answering its first message. Shown beside it: a coordinator's first model request reaching the endpoint.
// - tool server ready: McpServerConnection.start() → initialize and tools/list answered. Baseline: a bare
//   `node -e` subprocess answering its first line on stdin.
// - idle agent: N implementors, each waiting on its first model answer with its tool server connected;
//   worker = this process's RSS after minus before, over N; tool server = its VmRSS. Baseline: N empty
//   Workers measured the same way, plus a bare `node -e "setInterval(()=>{},1e9)"`'s VmRSS.
// Workers inherit their parent's loaders: under tsx each worker would load tsx too. So this script bundles
// itself and measures from a plain `node`, as the CLI and the extension host start workers.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as esbuild from 'esbuild';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AgentThread } from '../../extension/engine/run/agentProcess';
import { AGENT_RESOURCE_LIMITS } from '../../extension/engine/run/workerPool';
import { loomServerConfig } from '../../extension/engine/tools/mcpAgentTools';
import { McpServerConnection } from '../../extension/engine/tools/mcpServerConnection';
import { DEFAULT_ACTION_POLICY } from '../../extension/protocol/policy';
import type { AgentJob, ImplementJob, ModelEndpoint, PlanJob } from '../../extension/protocol/workerMessages';
import type { EventBody } from '../../extension/protocol/events';
import { makeRepo, type TempRepo } from '../fixtures/gitRepo';
import { reportFigures, type BenchFigure } from './benchTargets';

const ROOT = process.env.LOOM_BENCH_ROOT ?? resolve(__dirname, '../..');
const WORKER = join(ROOT, 'dist/workers/agentWorker.js');
/** Built beside this file's bundle (runPlain). */
const LIBRARY_FLOOR_WORKER = join(__dirname, 'libraryFloorWorker.mjs');
const TOOL_SERVER = join(ROOT, 'dist/tools/loomToolServer.js');
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const TOGETHER = 8;
const IDLE_AGENTS = 4;
const MEMORY_ROUNDS = Number(process.env.MEMORY_ROUNDS ?? 3);

const SPEC = { title: 'bench', overview: '', requirements: [{ id: 'R1', title: 'one', text: 'one', acceptance: ['it works'], line: 1 }], revision: 'x' };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** This process's RSS after a full collection of its own thread's garbage (the run's bookkeeping is not the agents'). */
function ownRssMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return vmRssMb('self');
}

function vmRssMb(pid: number | 'self'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The model's side of the wire: an OpenAI-compatible endpoint that notes when each agent asked (by its
 * x-loom-agent header) and answers nobody, so an agent that asked stays idle, waiting for its model.
 */
async function heldEndpoint(): Promise<{ url: string; askedBy(agentId: string): Promise<number>; close(): Promise<void> }> {
  const asked = new Map<string, { at: Promise<number>; mark(at: number): void }>();
  const entry = (agentId: string) => {
    let found = asked.get(agentId);
    if (!found) {
      let mark!: (at: number) => void;
      const at = new Promise<number>((r) => (mark = r));
      found = { at, mark };
      asked.set(agentId, found);
    }
    return found;
  };
  const server = createServer((req) => {
    entry(String(req.headers['x-loom-agent'])).mark(performance.now());
    req.resume();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    askedBy: (agentId) => entry(agentId).at,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

/** startAgents points each job at the held endpoint; jobs are built with it unset. */
function endpointFor(agentId: string, baseUrl = 'http://127.0.0.1:9/unset'): ModelEndpoint {
  return { baseUrl, model: 'held-model', apiKey: 'k', timeoutMs: 600_000, maxRetries: 0, headers: [['x-loom-agent', agentId]] };
}

function planJob(i: number): PlanJob {
  return { role: 'coordinator', runId: 'bench', agentId: `coordinator-${i}`, spec: SPEC, repoFiles: ['README.md'], endpoint: endpointFor(`coordinator-${i}`), budgetTokens: 100_000 };
}

function implementJob(i: number, worktree: string): ImplementJob {
  return {
    role: 'implementor',
    runId: 'bench',
    agentId: `implementor-${i}`,
    attempt: 1,
    spec: SPEC,
    task: { id: `t${i}`, title: 'one', instructions: 'do one', requirementIds: ['R1'], fileScope: ['src/**'], dependsOn: [], acceptance: [] },
    worktree,
    endpoint: endpointFor(`implementor-${i}`),
    mcpServers: [loomServerConfig({ serverScript: TOOL_SERVER, root: worktree })],
    sandbox: { kind: 'none', summary: 'benchmark: unconfined', system: [], masked: [], readable: [] },
    budgetTokens: 100_000,
    maxTurns: 10,
    contextWindowTokens: 128_000,
    findings: [],
    resumeMessages: [],
    policy: DEFAULT_ACTION_POLICY,
    commandAllowlist: ['node'],
  } as ImplementJob;
}

/** Starts the agents together; resolves when each has asked for its first model call (ms since start, each). */
async function startAgents(jobs: AgentJob[], onEvent: (event: EventBody) => void = () => undefined) {
  const model = await heldEndpoint();
  const withEndpoint = jobs.map((job) => ({ ...job, endpoint: endpointFor(job.agentId, model.url) }));
  const started = performance.now();
  const threads = withEndpoint.map((job) => new AgentThread(WORKER, job, onEvent));
  const ready = await Promise.all(withEndpoint.map((job) => model.askedBy(job.agentId).then((at) => at - started)));
  const stop = async () => {
    await Promise.all(threads.map((t) => t.dispose()));
    await model.close();
  };
  return { ready, stop };
}

/** An empty Worker answering its first message: ms from spawn to the answer, each. */
async function emptyWorkersAnswer(n: number): Promise<number[]> {
  const started = performance.now();
  const workers = Array.from({ length: n }, () => new Worker("require('node:worker_threads').parentPort.once('message', (m) => require('node:worker_threads').parentPort.postMessage(m))", { eval: true }));
  const answered = workers.map((w) => new Promise<number>((r) => w.once('message', () => r(performance.now() - started))));
  for (const w of workers) w.postMessage('start');
  const times = await Promise.all(answered);
  await Promise.all(workers.map((w) => w.terminate()));
  return times;
}

/** Agent workers answering their first message (a job without a spec, which each refuses): ms from spawn, each. */
async function agentWorkersAnswer(n: number): Promise<number[]> {
  const started = performance.now();
  const threads = Array.from({ length: n }, (_, i) => new AgentThread(WORKER, { ...planJob(i), spec: undefined } as unknown as AgentJob, () => undefined));
  const times = await Promise.all(
    threads.map((t) =>
      t.done.then((end) => {
        if (!end.outcome.message.includes('invalid message')) throw new Error(`the worker did not answer as expected: ${end.outcome.message}`);
        return performance.now() - started;
      }),
    ),
  );
  await Promise.all(threads.map((t) => t.dispose()));
  return times;
}

async function workerReady(n: number): Promise<{ answered: number; asked: number; empty: number }> {
  const answered: number[] = [];
  const asked: number[] = [];
  const empty: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    empty.push(median(await emptyWorkersAnswer(n)));
    answered.push(median(await agentWorkersAnswer(n)));
    const { ready, stop } = await startAgents(Array.from({ length: n }, (_, i) => planJob(i)));
    asked.push(median(ready));
    await stop();
  }
  return { answered: median(answered), asked: median(asked), empty: median(empty) };
}

/** A bare node subprocess answering its first line: ms from spawn to the answer. */
async function bareNodeAnswer(): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['-e', "process.stdin.once('data', () => process.stdout.write('{}\\n')); setInterval(() => {}, 1e9)"], { stdio: ['pipe', 'pipe', 'ignore'] });
  const answered = new Promise<number>((r) => child.stdout.once('data', () => r(performance.now() - started)));
  child.stdin.write('{}\n');
  const ms = await answered;
  child.kill();
  return ms;
}

async function toolServerReady(worktree: string): Promise<{ server: number; bare: number }> {
  const server: number[] = [];
  const bare: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    bare.push(await bareNodeAnswer());
    const connection = new McpServerConnection(loomServerConfig({ serverScript: TOOL_SERVER, root: worktree }), worktree, {}, 30_000);
    const started = performance.now();
    await connection.start();
    server.push(performance.now() - started);
    await connection.dispose();
  }
  return { server: median(server), bare: median(bare) };
}

/** What N idle workers of `start` hold, each: this process's RSS with them minus without, over N. */
async function idleWorkersMb(start: () => Worker, ready: 'online' | 'message'): Promise<number> {
  await settle(300);
  const before = ownRssMb();
  const workers = Array.from({ length: IDLE_AGENTS }, start);
  await Promise.all(workers.map((w) => new Promise((r) => w.once(ready, r))));
  await settle(1000);
  const each = (ownRssMb() - before) / IDLE_AGENTS;
  await Promise.all(workers.map((w) => w.terminate()));
  return each;
}

async function idleMemory(worktrees: string[]): Promise<{ worker: number; server: number; emptyWorker: number; bareNode: number; libraryFloor: number }> {
  // Baselines first: N empty workers, held while measured, then a bare node process; the floor under an agent's worker too.
  const emptyWorker = await idleWorkersMb(() => new Worker('setInterval(() => {}, 1e9)', { eval: true }), 'online');
  const libraryFloor = await idleWorkersMb(() => new Worker(LIBRARY_FLOOR_WORKER, { resourceLimits: AGENT_RESOURCE_LIMITS }), 'message');
  const bare = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9)'], { stdio: 'ignore' });
  await settle(1000);
  const bareNode = vmRssMb(bare.pid!);
  bare.kill();

  await settle(300);
  const before = ownRssMb();
  const serverPids: number[] = [];
  const agents = await startAgents(
    worktrees.map((w, i) => implementJob(i, w)),
    (event) => {
      if (event.type === 'mcp/didStart') serverPids.push(event.pid);
    },
  );
  await settle(1000);
  const worker = (ownRssMb() - before) / IDLE_AGENTS;
  if (serverPids.length !== IDLE_AGENTS) throw new Error(`expected ${IDLE_AGENTS} tool servers, saw ${serverPids.length}`);
  const server = median(serverPids.map((pid) => vmRssMb(pid)));
  await agents.stop();
  return { worker, server, emptyWorker, bareNode, libraryFloor };
}

async function main(): Promise<void> {
  const repos: TempRepo[] = [];
  try {
    for (let i = 0; i < IDLE_AGENTS; i++) repos.push(await makeRepo({ 'README.md': '# bench\n' }));
    // One agent first, unmeasured: the first worker of a process pays for loading Node's worker machinery.
    await workerReady(1);
    const one = await workerReady(1);
    const eight = await workerReady(TOGETHER);
    const tools = await toolServerReady(repos[0].dir);
    // Memory is a median of rounds too: one process's RSS moves by megabytes between two identical rounds.
    const rounds = [];
    for (let round = 0; round < MEMORY_ROUNDS; round++) rounds.push(await idleMemory(repos.map((r) => r.dir)));
    const memory = {
      worker: median(rounds.map((r) => r.worker)),
      server: median(rounds.map((r) => r.server)),
      emptyWorker: median(rounds.map((r) => r.emptyWorker)),
      bareNode: median(rounds.map((r) => r.bareNode)),
      libraryFloor: median(rounds.map((r) => r.libraryFloor)),
    };
    const figures: BenchFigure[] = [
      { name: 'worker ready (1 agent)', value: one.answered, unit: 'ms', baseline: { value: one.empty, name: 'empty Worker answers' }, target: { on: 'ratio', atMost: 2 } },
      { name: `worker ready (${TOGETHER} together)`, value: eight.answered, unit: 'ms', baseline: { value: eight.empty, name: `${TOGETHER} empty Workers answer` }, target: { on: 'ratio', atMost: 2 } },
      { name: 'coordinator\'s first model request (1 agent)', value: one.asked, unit: 'ms', baseline: { value: one.empty, name: 'empty Worker answers' } },
      { name: `coordinator's first model request (${TOGETHER} together)`, value: eight.asked, unit: 'ms', baseline: { value: eight.empty, name: `${TOGETHER} empty Workers answer` } },
      { name: 'tool server ready', value: tools.server, unit: 'ms', baseline: { value: tools.bare, name: 'bare node answers' } },
      { name: 'idle agent: worker', value: memory.worker, unit: 'MB', baseline: { value: memory.emptyWorker, name: 'empty Worker' } },
      { name: 'idle agent: tool server', value: memory.server, unit: 'MB', baseline: { value: memory.bareNode, name: 'bare node' } },
      {
        name: 'idle agent: worker + tool server',
        value: memory.worker + memory.server,
        unit: 'MB',
        baseline: { value: memory.emptyWorker + memory.bareNode, name: 'empty Worker + bare node' },
        target: { on: 'ratio', atMost: 1.2 },
      },
      // Shown, not judged: the part of an idle agent that is its named libraries' (openai, @modelcontextprotocol/sdk), not Loom's.
      { name: '  floor: a worker with only the libraries\' clients', value: memory.libraryFloor, unit: 'MB', baseline: { value: memory.emptyWorker, name: 'empty Worker' } },
      {
        name: '  floor + bare node',
        value: memory.libraryFloor + memory.bareNode,
        unit: 'MB',
        baseline: { value: memory.emptyWorker + memory.bareNode, name: 'empty Worker + bare node' },
      },
    ];
    reportFigures(`Agent footprint (medians of ${ROUNDS} rounds; memory: medians of ${MEMORY_ROUNDS} rounds over ${IDLE_AGENTS} idle agents)`, figures);
  } finally {
    for (const repo of repos) await repo.cleanup();
  }
}

/** The floor worker, bundled as the agent worker is (ESM, zod in English only, ASCII only), beside this file's bundle. */
async function buildLibraryFloorWorker(dir: string): Promise<void> {
  const config = (await import(pathToFileURL(join(ROOT, 'esbuild.config.mjs')).href)) as { zodEnglishOnly: esbuild.Plugin; asciiOnly: (metafile: esbuild.Metafile) => Promise<void> };
  const result = await esbuild.build({
    entryPoints: [join(__dirname, 'libraryFloorWorker.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    outfile: join(dir, 'libraryFloorWorker.mjs'),
    plugins: [config.zodEnglishOnly],
    banner: { js: "import { createRequire as __loomCreateRequire } from 'node:module'; const require = __loomCreateRequire(import.meta.url);" },
    metafile: true,
    logLevel: 'warning',
  });
  await config.asciiOnly(result.metafile);
}

/** Under tsx: bundle this file and run it with plain node (its exit code is ours). */
async function runPlain(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'loom-bench-'));
  try {
    const outfile = join(dir, 'agentFootprint.js');
    await esbuild.build({ entryPoints: [__filename], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile, external: ['esbuild'], logLevel: 'warning' });
    await buildLibraryFloorWorker(dir);
    const child = spawnSync(process.execPath, ['--expose-gc', outfile], { stdio: 'inherit', env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules'), LOOM_BENCH_ROOT: ROOT, LOOM_BENCH_PLAIN: '1' } });
    process.exitCode = child.status ?? 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

(process.env.LOOM_BENCH_PLAIN ? main() : runPlain()).catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
