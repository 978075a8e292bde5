// Benchmark, not a test: how close a parallel run comes to its critical path (issue 11, item 1).
// N independent tasks, each an implementor of 4 model turns of 1.5 s simulated latency (read, write, run
// its test, report), a verifier whose judgment turn takes 1.5 s, and a coordinator whose plan takes 1.5 s.
// The critical path is what an orchestrator with no overhead would need: the plan, one task's model turns,
// its verifier's turn, and the test commands on that chain (the implementor's run and the verifier's base
// and branch runs) at their bare cost, measured in the same process by spawning the same command with
// nothing around it. Prints wall / critical path for 8 tasks at concurrency 8 (target ≤ 1.15) and 16 tasks
// (target ≤ 1.25), where the line between them is "the critical path" of a run with concurrency equal to
// the task count; also Loom's own CPU per task against the CPU of the task's test runs (target ≤ 1.5×).
//   npm run build && npx tsx test/bench/orchestration.bench.ts     env: LOOM_BENCH_TASKS=8,16
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunEvent } from '../../extension/protocol/events';
import { RunCoordinator } from '../../extension/engine/run/runCoordinator';
import { readJournal } from '../../extension/engine/journal/journalReader';
import { makeRepo, makeTempDir } from '../fixtures/gitRepo';
import { planTask, report, requireBuild, ROOT, simulatedRunOptions, specWith, write, PASS_VERDICT, eventsOf } from '../unit/engine/run/runHarness';
import { reportFigures, type BenchFigure } from './benchTargets';

const LATENCY_MS = 1_500;
const TURNS = 4;
/** The runs the verifier's policy needs of a fail-to-pass check: the base once, the branch 1 + flakeReruns (1) times. */
const VERIFIER_TEST_RUNS = 3;
const TASK_COUNTS = (process.env.LOOM_BENCH_TASKS ?? '8,16').split(',').map(Number);

const taskIds = (n: number) => Array.from({ length: n }, (_, i) => `t${String(i + 1).padStart(2, '0')}`);
const source = (id: string) => `module.exports = () => '${id}';\n`;
const test = (id: string) => `const test = require('node:test');\nconst assert = require('node:assert');\ntest('${id} works', () => assert.strictEqual(require('../src/${id}.js')(), '${id}'));\n`;

function scenario(ids: string[]) {
  const plan = { tasks: ids.map((id, i) => planTask(id, `R${i + 1}`, [`src/${id}.js`], `test/${id}.test.js`)) };
  return {
    name: 'orchestration-bench',
    agents: [
      { match: { role: 'coordinator' as const }, turns: [{ latencyMs: LATENCY_MS, content: JSON.stringify(plan) }] },
      ...ids.map((id) => ({
        match: { role: 'implementor' as const, task: id },
        turns: [
          { latencyMs: LATENCY_MS, toolCalls: [{ name: 'read_file', arguments: { path: `test/${id}.test.js` } }] },
          { latencyMs: LATENCY_MS, toolCalls: [write(`src/${id}.js`, source(id))] },
          { latencyMs: LATENCY_MS, toolCalls: [{ name: 'run_command', arguments: { command: ['node', '--test', `test/${id}.test.js`] } }] },
          { latencyMs: LATENCY_MS, toolCalls: [report(`added ${id}`, [`src/${id}.js`])] },
        ],
      })),
      { match: { role: 'verifier' as const }, turns: [{ latencyMs: LATENCY_MS, content: PASS_VERDICT }] },
    ],
  };
}

/** The bare cost of one test command: `node --test` on a passing test, spawned with nothing around it (median of 5). */
function bareTestCommand(): { wallMs: number; cpuMs: number } {
  const dir = mkdtempSync(join(tmpdir(), 'loom-bench-bare-'));
  try {
    writeFileSync(join(dir, 'a.js'), source('a'));
    writeFileSync(join(dir, 'a.test.js'), test('a').replace('../src/a.js', './a.js'));
    const runs = Array.from({ length: 5 }, () => {
      const t0 = performance.now();
      const before = childCpuMs();
      const r = spawnSync('node', ['--test', 'a.test.js'], { cwd: dir });
      if (r.status !== 0) throw new Error(`bare test failed: ${r.stderr}`);
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
  ownCpuMs: number;
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

async function runTasks(n: number): Promise<RunFigures> {
  const ids = taskIds(n);
  const files: Record<string, string> = { 'README.md': '# bench\n', 'package.json': '{"name":"bench","version":"1.0.0"}\n' };
  for (const id of ids) files[`test/${id}.test.js`] = test(id);
  const repo = await makeRepo({ ...files, 'SPEC.md': specWith(ids) });
  const home = await makeTempDir('loom-bench-home-');
  const scenarioPath = join(home.dir, 'scenario.json');
  writeFileSync(scenarioPath, JSON.stringify(scenario(ids)));
  const simulator = await startSimulatorProcess(scenarioPath);
  try {
    const options = simulatedRunOptions({ repo: repo.dir, loomHome: home.dir, simulatorUrl: simulator.url });
    const coordinator = new RunCoordinator({ ...options, endpoint: { ...options.endpoint, timeoutMs: 60_000 }, concurrency: n, maxTurns: 8 });
    const cpuBefore = process.cpuUsage();
    const childBefore = childCpuMs();
    let state;
    try {
      state = await coordinator.run();
    } finally {
      await coordinator.dispose();
    }
    const cpu = process.cpuUsage(cpuBefore);
    const childCpu = childCpuMs() - childBefore;
    const events = readJournal(coordinator.journalPath).events;
    if (process.env.LOOM_BENCH_TIMELINE) for (const e of events) console.log(`${String(e.ts - events[0].ts).padStart(6)} ${e.type} ${'taskId' in e ? e.taskId : ''} ${'agentId' in e ? e.agentId : ''} ${e.type === 'verify/didCheck' ? e.check : ''}`);
    if (state.status !== 'succeeded') {
      const why = [...eventsOf(events, 'task/didFail').map((e) => `${e.taskId}: ${e.reason}`), ...eventsOf(events, 'agent/didWarn').map((e) => `${e.agentId} ${e.kind}: ${e.message}`)];
      throw new Error(`bench run ${state.status}:\n${why.join('\n')}`);
    }
    const testRuns = eventsOf(events, 'verify/didCheck').filter((e) => e.check.startsWith('failToPass')).length * VERIFIER_TEST_RUNS + eventsOf(events, 'tool/didCall').filter((e) => e.tool === 'run_command').length;
    console.log(`CPU: this process (coordinator and worker threads) ${Math.round((cpu.user + cpu.system) / 1000)} ms, its child processes ${Math.round(childCpu)} ms`);
    return { wallMs: state.endedAt! - state.startedAt!, testRuns, ownCpuMs: (cpu.user + cpu.system) / 1000 + childCpu, phases: phases(events) };
  } finally {
    await simulator.stop();
    await repo.cleanup();
    await home.cleanup();
  }
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

async function main(): Promise<void> {
  requireBuild();
  const bare = bareTestCommand();
  // The chain's commands: the implementor's own test run, and the verifier's base run and branch runs.
  const chainCommands = 1 + VERIFIER_TEST_RUNS;
  const criticalMs = LATENCY_MS * (1 + TURNS + 1) + chainCommands * bare.wallMs;
  const figures: BenchFigure[] = [];
  for (const n of TASK_COUNTS) {
    const r = await runTasks(n);
    console.log(`${n} tasks at concurrency ${n}: wall ${(r.wallMs / 1000).toFixed(2)} s, ${r.testRuns} test runs; medians per task (ms): ${Object.entries(r.phases).map(([k, v]) => `${k} ${Math.round(v)}`).join(' · ')}`);
    figures.push({ name: `wall, ${n} tasks at concurrency ${n}`, value: r.wallMs, unit: 'ms', baseline: { value: criticalMs, name: 'critical path' }, target: { on: 'ratio', atMost: n <= 8 ? 1.15 : 1.25 } });
    const testCpu = r.testRuns * bare.cpuMs;
    figures.push({ name: `Loom's CPU per task, ${n} tasks`, value: (r.ownCpuMs - testCpu) / n, unit: 'ms', baseline: { value: testCpu / n, name: "the task's test runs, bare" }, target: { on: 'ratio', atMost: 1.5 } });
  }
  reportFigures(`Orchestration overhead (model turns ${LATENCY_MS} ms; bare test command ${Math.round(bare.wallMs)} ms wall, ${Math.round(bare.cpuMs)} ms CPU)`, figures);
}

// A bench that could not run exits 2; a missed target is exit code 1 (reportFigures).
main().catch((err) => {
  console.error(err);
  process.exit(2);
});
