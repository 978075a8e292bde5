// Benchmark, not a test: how close a parallel run comes to its critical path (issue 11, item 1).
// N independent tasks, each an implementor of 4 model turns of 1.5 s simulated latency (read, write, run
// its check, report), a verifier whose judgment turn takes 1.5 s, and a coordinator whose plan takes 1.5 s.
// The critical path is what an orchestrator with no overhead would need: the plan, one task's model turns,
// its verifier's turn, and the commands on that chain (the implementor's run and the verifier's base and
// branch runs) at their bare cost, measured in the same process by spawning the same command with nothing
// around it. Two workloads:
// - trivial checks (a plain `node` script that asserts): wall / critical path for 8 tasks at concurrency 8
//   (target ≤ 1.15) and 16 tasks at 16 (≤ 1.25);
// - CPU-bound tests (`node --test` on a test that computes for a while): wall ≤ 1.2× max(critical path,
//   the test runs' total CPU / cores), and Loom's own CPU per task against its test runs' CPU (≤ 1.5×). The test
//   runs are every run of a task's test: the implementor's, the verifier's, and the semantic check's at the
//   integration head (counted as Loom's own CPU before 2026-12-06).
//   npm run build && npx tsx test/bench/orchestration.bench.ts
//   env: LOOM_BENCH_TASKS=8,16 (trivial workload), LOOM_BENCH_WORKLOADS=trivial,cpuBound, LOOM_BENCH_TIMELINE=1
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunEvent } from '../../extension/protocol/events';
import { RunCoordinator } from '../../extension/engine/run/runCoordinator';
import { readJournal } from '../../extension/engine/journal/journalReader';
import { makeRepo, makeTempDir } from '../fixtures/gitRepo';
import { planTask, report, requireBuild, ROOT, simulatedRunOptions, specWith, write, PASS_VERDICT, eventsOf } from '../unit/engine/run/runHarness';
import { reportFigures, type BenchFigure } from './benchTargets';
import { openCpuAccount } from './cpuAccount';

const LATENCY_MS = 1_500;
const TURNS = 4;
/** The runs the verifier's policy needs of a fail-to-pass check: the base once, the branch 1 + flakeReruns (1) times. */
const VERIFIER_TEST_RUNS = 3;
/** The task counts the issue sets wall targets for. */
const TARGETED_TASK_COUNTS = [8, 16];
/** And tasks = cores: the orchestration's latency when no task waits for a core (shown, not judged). */
const TASK_COUNTS = [...new Set((process.env.LOOM_BENCH_TASKS ?? [availableParallelism(), ...TARGETED_TASK_COUNTS].join(',')).split(',').map(Number))];
const WORKLOADS = (process.env.LOOM_BENCH_WORKLOADS ?? 'trivial,cpuBound').split(',');
const CPU_BOUND_TASKS = 8;
const RUN_LIMIT_MS = 300_000;

const taskIds = (n: number) => Array.from({ length: n }, (_, i) => `t${String(i + 1).padStart(2, '0')}`);
const source = (id: string) => `module.exports = () => '${id}';\n`;

/** A task's acceptance check: its file, what it holds, and the command that runs it (from the repository root). */
interface Workload {
  name: string;
  file: (id: string) => string;
  content: (id: string, modulePath: string) => string;
  command: (file: string) => string[];
}

const TRIVIAL: Workload = {
  name: 'trivial checks',
  file: (id) => `test/${id}.check.js`,
  content: (id, modulePath) => `require('node:assert').strictEqual(require('${modulePath}')(), '${id}');\n`,
  command: (file) => ['node', file],
};

/** About a second of arithmetic per run (a real suite computes): 8 tasks' runs then need more CPU than the critical path gives on 2 cores. */
const CPU_BOUND: Workload = {
  name: 'CPU-bound tests',
  file: (id) => `test/${id}.test.js`,
  content: (id, modulePath) =>
    `const test = require('node:test');\nconst assert = require('node:assert');\n` +
    `test('${id} works', () => {\n  let x = 0;\n  for (let i = 0; i < 1.2e8; i++) x = (x + i * 7) % 1000003;\n  assert.ok(x >= 0);\n  assert.strictEqual(require('${modulePath}')(), '${id}');\n});\n`,
  command: (file) => ['node', '--test', file],
};

function scenario(ids: string[], workload: Workload) {
  const plan = {
    tasks: ids.map((id, i) => {
      const task = planTask(id, `R${i + 1}`, [`src/${id}.js`], workload.file(id));
      return { ...task, acceptance: task.acceptance.map((check) => ({ ...check, command: workload.command(workload.file(id)) })) };
    }),
  };
  return {
    name: 'orchestration-bench',
    agents: [
      { match: { role: 'coordinator' as const }, turns: [{ latencyMs: LATENCY_MS, content: JSON.stringify(plan) }] },
      ...ids.map((id) => ({
        match: { role: 'implementor' as const, task: id },
        turns: [
          { latencyMs: LATENCY_MS, toolCalls: [{ name: 'read_file', arguments: { path: workload.file(id) } }] },
          { latencyMs: LATENCY_MS, toolCalls: [write(`src/${id}.js`, source(id))] },
          { latencyMs: LATENCY_MS, toolCalls: [{ name: 'run_command', arguments: { command: workload.command(workload.file(id)) } }] },
          { latencyMs: LATENCY_MS, toolCalls: [report(`added ${id}`, [`src/${id}.js`])] },
        ],
      })),
      { match: { role: 'verifier' as const }, turns: [{ latencyMs: LATENCY_MS, content: PASS_VERDICT }] },
    ],
  };
}

/** The bare cost of one check command, spawned with nothing around it (median of 5). */
function bareCommand(workload: Workload): { wallMs: number; cpuMs: number } {
  const dir = mkdtempSync(join(tmpdir(), 'loom-bench-bare-'));
  try {
    writeFileSync(join(dir, 'a.js'), source('a'));
    writeFileSync(join(dir, 'a.check.js'), workload.content('a', './a.js'));
    const runs = Array.from({ length: 5 }, () => {
      const t0 = performance.now();
      const before = childCpuMs();
      const [program, ...args] = workload.command('a.check.js');
      const r = spawnSync(program, args, { cwd: dir });
      if (r.status !== 0) throw new Error(`bare check failed: ${r.stderr}`);
      return { wallMs: performance.now() - t0, cpuMs: childCpuMs() - before };
    });
    return { wallMs: median(runs.map((r) => r.wallMs)), cpuMs: median(runs.map((r) => r.cpuMs)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** CPU time of this process's waited-for children (ms), from /proc: utime+stime of reaped children. */
function childCpuMs(): number {
  const ticks = 100;
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / ticks;
  } catch {
    return 0;
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

interface RunFigures {
  wallMs: number;
  testRuns: number;
  /** Loom's and the checks' CPU together (cpuacct), or null where it cannot be measured. */
  treeCpuMs: number | null;
  phases: Record<string, number>;
}

/**
 * The model simulator in a process of its own (`loom simulate`), as a real model is on the far side of
 * a wire: in this process it would share the coordinator's event loop and time its own requests out.
 */
async function startSimulatorProcess(scenarioPath: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'cli', 'main.js'), 'simulate', '--scenario', scenarioPath, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      out += text;
      const found = /at (http:\/\/127\.0\.0\.1:\d+\S*)/.exec(out);
      if (found) resolve(found[1]);
    });
    child.once('exit', (code) => reject(new Error(`the simulator exited (${code}): ${out}`)));
  });
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function runTasks(n: number, workload: Workload): Promise<RunFigures> {
  const ids = taskIds(n);
  const files: Record<string, string> = { 'README.md': '# bench\n', 'package.json': '{"name":"bench","version":"1.0.0"}\n' };
  for (const id of ids) files[workload.file(id)] = workload.content(id, `../src/${id}.js`);
  const repo = await makeRepo({ ...files, 'SPEC.md': specWith(ids) });
  const home = await makeTempDir('loom-bench-home-');
  const scenarioPath = join(home.dir, 'scenario.json');
  writeFileSync(scenarioPath, JSON.stringify(scenario(ids, workload)));
  const simulator = await startSimulatorProcess(scenarioPath);
  try {
    const options = simulatedRunOptions({ repo: repo.dir, loomHome: home.dir, simulatorUrl: simulator.url });
    const coordinator = new RunCoordinator({ ...options, endpoint: { ...options.endpoint, timeoutMs: 60_000 }, concurrency: n, maxTurns: 8 });
    // Opened after the simulator started: the model's side of the wire is not Loom's CPU.
    const account = openCpuAccount('loom-bench-orchestration');
    const cpuBefore = process.cpuUsage();
    const childBefore = childCpuMs();
    // A run that waits on a person (a circuit breaker, say) would wait for minutes: a bench fails instead.
    const stuck = setTimeout(() => {
      console.error(`the run has not ended after ${RUN_LIMIT_MS / 1000} s: see ${coordinator.journalPath}`);
      process.exit(2);
    }, RUN_LIMIT_MS);
    let state;
    let treeCpuMs: number | null;
    try {
      state = await coordinator.run();
    } finally {
      clearTimeout(stuck);
      await coordinator.dispose();
      treeCpuMs = account?.usageMs() ?? null;
      account?.close();
    }
    const cpu = process.cpuUsage(cpuBefore);
    const childCpu = childCpuMs() - childBefore;
    const events = readJournal(coordinator.journalPath).events;
    if (process.env.LOOM_BENCH_TIMELINE) {
      for (const e of events) console.log(`${String(e.ts - events[0].ts).padStart(6)} ${e.type} ${'taskId' in e ? e.taskId : ''} ${'agentId' in e ? e.agentId : ''} ${e.type === 'verify/didCheck' ? e.check : ''}`);
      console.log(lastTaskChain(events));
    }
    if (state.status !== 'succeeded') {
      const why = [...eventsOf(events, 'task/didFail').map((e) => `${e.taskId}: ${e.reason}`), ...eventsOf(events, 'agent/didWarn').map((e) => `${e.agentId} ${e.kind}: ${e.message}`)];
      throw new Error(`bench run ${state.status}:\n${why.join('\n')}`);
    }
    // Every run of a task's test: the implementor's, the verifier's (start commit once, branch 1 + reruns),
    // and the semantic check's at the integration head (each merged task's command once, when two or more merged).
    const merged = eventsOf(events, 'merge/didMerge').length;
    const testRuns =
      eventsOf(events, 'verify/didCheck').filter((e) => e.check.startsWith('failToPass')).length * VERIFIER_TEST_RUNS +
      eventsOf(events, 'tool/didCall').filter((e) => e.tool === 'run_command').length +
      (merged >= 2 ? merged : 0);
    const threadsCpu = (cpu.user + cpu.system) / 1000;
    console.log(`CPU: this process (coordinator and worker threads) ${Math.round(threadsCpu)} ms; with every process it started ${treeCpuMs === null ? `unknown (no cpuacct cgroup; waited-for children ${Math.round(childCpu)} ms)` : `${Math.round(treeCpuMs)} ms`}`);
    return { wallMs: state.endedAt! - state.startedAt!, testRuns, treeCpuMs, phases: phases(events) };
  } finally {
    await simulator.stop();
    await repo.cleanup();
    await home.cleanup();
  }
}

/**
 * The chain of the task that succeeded last (the one that set the wall): each step's start after the
 * previous step's end, so the gaps that are not model latency or a check stand out.
 */
function lastTaskChain(events: RunEvent[]): string {
  const t0 = events[0].ts;
  const last = eventsOf(events, 'task/didSucceed').at(-1);
  if (!last) return 'no task succeeded';
  const steps: string[] = [];
  let previous = t0;
  const step = (label: string, startedAt: number, endedAt: number) => {
    steps.push(`${label}: +${Math.round(startedAt - previous)} wait, ${Math.round(endedAt - startedAt)} ms`);
    previous = endedAt;
  };
  for (const e of events) {
    if (e.type === 'model/didRespond' && (!('taskId' in e) || e.taskId === undefined || e.taskId === last.taskId)) step(`${e.agentId} turn ${e.turn}`, e.startedAt, e.ts);
    else if ('taskId' in e && e.taskId === last.taskId && ['lease/didCreate', 'task/didStart', 'agent/didStart', 'mcp/didStart', 'tool/didCall', 'checkpoint/didCommit', 'task/didReport', 'verify/didCheck', 'verify/didFinish', 'task/didSucceed', 'merge/didMerge'].includes(e.type)) step(e.type === 'verify/didCheck' ? `check ${e.check}` : e.type, e.ts, e.ts);
    else if (e.type === 'plan/didAccept' || e.type === 'run/didFinish') step(e.type, e.ts, e.ts);
  }
  return `chain of ${last.taskId} (ms from run start ${Math.round(last.ts - t0)}):\n  ${steps.join('\n  ')}`;
}

/** Medians over tasks of where time goes, from the journal. */
function phases(events: RunEvent[]): Record<string, number> {
  const at = (pred: (e: RunEvent) => boolean) => events.find(pred)?.ts;
  const per = (f: (taskId: string) => number | undefined) => {
    const ids = [...new Set(eventsOf(events, 'task/didStart').map((e) => e.taskId))];
    return median(ids.map(f).filter((v): v is number => v !== undefined));
  };
  const planned = at((e) => e.type === 'plan/didAccept')!;
  return {
    'run start → plan accepted': planned - events[0].ts,
    'plan → lease created': per((id) => at((e) => e.type === 'lease/didCreate' && e.taskId === id)! - planned),
    'task start → first model call': per((id) => {
      const start = at((e) => e.type === 'task/didStart' && e.taskId === id)!;
      const first = events.find((e) => e.type === 'model/didRespond' && 'taskId' in e && e.taskId === id);
      return first && first.type === 'model/didRespond' ? first.startedAt - start : undefined;
    }),
    'report → verifier first check': per((id) => (at((e) => e.type === 'verify/didCheck' && e.taskId === id) ?? 0) - at((e) => e.type === 'task/didReport' && e.taskId === id)!),
    'report → verified': per((id) => at((e) => e.type === 'verify/didFinish' && e.taskId === id)! - at((e) => e.type === 'task/didReport' && e.taskId === id)!),
    'last verified → run end': events[events.length - 1].ts - Math.max(...eventsOf(events, 'verify/didFinish').map((e) => e.ts)),
  };
}

/**
 * The least wall time the machine allows the run: all the CPU it used (Loom's and its checks') spread
 * perfectly over the cores. Shown, not judged: when its ratio is above a wall target, no scheduling can
 * meet that target on this machine; only less CPU per task can.
 */
function cpuFloor(n: number, r: RunFigures, baselineMs: number, cores: number): BenchFigure[] {
  if (r.treeCpuMs === null) return [];
  return [{ name: `  its floor: the run's CPU / ${cores} cores (${Math.round(r.treeCpuMs / n)} ms CPU per task)`, value: r.treeCpuMs / cores, unit: 'ms', baseline: { value: baselineMs, name: 'same baseline' } }];
}

async function main(): Promise<void> {
  requireBuild();
  const figures: BenchFigure[] = [];
  const notes: string[] = [];
  // The chain's commands: the implementor's own run, and the verifier's base run and branch runs.
  const chainCommands = 1 + VERIFIER_TEST_RUNS;
  const measure = async (workload: Workload, n: number) => {
    const bare = bareCommand(workload);
    const criticalMs = LATENCY_MS * (1 + TURNS + 1) + chainCommands * bare.wallMs;
    const r = await runTasks(n, workload);
    console.log(`${workload.name}, ${n} tasks at concurrency ${n}: wall ${(r.wallMs / 1000).toFixed(2)} s, ${r.testRuns} check runs; medians per task (ms): ${Object.entries(r.phases).map(([k, v]) => `${k} ${Math.round(v)}`).join(' · ')}`);
    notes.push(`${workload.name}: bare command ${Math.round(bare.wallMs)} ms wall, ${Math.round(bare.cpuMs)} ms CPU`);
    return { bare, criticalMs, r };
  };
  const cores = availableParallelism();
  if (WORKLOADS.includes('trivial')) {
    for (const n of TASK_COUNTS) {
      const { criticalMs, r } = await measure(TRIVIAL, n);
      // Tasks = cores is shown, not judged: the orchestration's own latency, with no task waiting for a core.
      const target = n === cores && !TARGETED_TASK_COUNTS.includes(n) ? undefined : ({ on: 'ratio', atMost: n <= 8 ? 1.15 : 1.25 } as const);
      figures.push({ name: `wall, ${n} tasks at concurrency ${n}, trivial checks`, value: r.wallMs, unit: 'ms', baseline: { value: criticalMs, name: 'critical path' }, target });
      figures.push(...cpuFloor(n, r, criticalMs, cores));
    }
  }
  if (WORKLOADS.includes('cpuBound')) {
    const n = CPU_BOUND_TASKS;
    const { bare, criticalMs, r } = await measure(CPU_BOUND, n);
    const testCpu = r.testRuns * bare.cpuMs;
    const bound = Math.max(criticalMs, testCpu / cores);
    const boundName = testCpu / cores > criticalMs ? `the test runs' CPU / ${cores} cores` : 'critical path';
    figures.push({ name: `wall, ${n} tasks at concurrency ${n}, CPU-bound tests`, value: r.wallMs, unit: 'ms', baseline: { value: bound, name: boundName }, target: { on: 'ratio', atMost: 1.2 } });
    // Without a cgroup the CPU of sandboxed descendants cannot be counted: the figure is not shown rather than wrong.
    if (r.treeCpuMs !== null) figures.push({ name: `Loom's CPU per task, ${n} tasks, CPU-bound tests`, value: (r.treeCpuMs - testCpu) / n, unit: 'ms', baseline: { value: testCpu / n, name: "the task's test runs, bare" }, target: { on: 'ratio', atMost: 1.5 } });
    else notes.push("Loom's CPU per task not measured: no cpuacct cgroup here (run as root with cgroup v1)");
    figures.push(...cpuFloor(n, r, bound, cores));
  }
  reportFigures(`Orchestration overhead (model turns ${LATENCY_MS} ms; ${notes.join('; ')})`, figures);
}

// A bench that could not run exits 2; a missed target is exit code 1 (reportFigures).
main().catch((err) => {
  console.error(err);
  process.exit(2);
});
