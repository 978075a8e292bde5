// The verifier's own time against the test commands it must run (issue 11, item 2).
//
// Repository: generated, of moderate size (3,000 source files in 60 folders, a node_modules
// dependency the tests load, 3 test files run by Node's own test runner, `node --test`), with a
// task branch that fixes `add`: its acceptance check is fail-to-pass on the whole test command.
//
// Figure: the wall time of verifyTask, deterministic checks only (no model judgment: that is model
// time, not the verifier's), in the bubblewrap sandbox a run uses, with flakeReruns = 2:
//   round 1 — the task's first verification: the start commit run (not cached yet), 3 branch runs,
//             in the checkout the run made for it while its implementor worked (taskRunner:
//             prepareVerifierWorktree; the time that took is printed beside, off the path);
//   round 2 — the same task again (its checkout kept, the start-commit run read from the run's
//             cache), 3 branch runs.
// Baseline: the same test command, the same number of times, run bare through the same process
// layer (runCommand without a sandbox) in checkouts prepared beforehand (start commit and branch
// head, dependencies as a real folder): round 1 = 1 start-commit run + 3 branch runs; round 2 =
// 3 branch runs. That is what any verifier must spend; everything above it (checkouts, resets,
// diffs, test-edit and pristine-test checks, sandbox set-up and each command's sandbox start,
// cache reads, scope and claims) is the verifier's overhead. Bare and verifier runs alternate in
// one process, next to each other in alternating order, so the machine's load hits both alike; the
// figure is the median over the repetitions of each verify round's ratio to the bare runs beside it.
//   npx tsx test/bench/verifierOverhead.bench.ts
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectSandbox } from '../../extension/engine/sandbox/detectSandbox';
import { removeTree } from '../../extension/engine/sandbox/removeTree';
import { runCommand } from '../../extension/engine/verify/runCommand';
import { verifyTask, type VerifyTaskInput } from '../../extension/engine/verify/verifyTask';
import { prepareVerifierWorktree } from '../../extension/engine/verify/verifierWorktree';
import type { Task } from '../../extension/protocol/plan';
import { SPEC, TASK } from '../unit/engine/verify/specFixture';
import { reportFigures } from './benchTargets';

const REPETITIONS = Number(process.env.LOOM_BENCH_ROUNDS ?? 5);
const GROUPS = 60;
const MODULES_PER_GROUP = 50;
const TEST_FILES = 2;
const RERUNS = 2;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Bench', '-c', 'user.email=bench@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function write(dir: string, rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), text);
}

/** The generated repository: start commit (add is buggy) and the task branch (add fixed). */
function makeRepo(repo: string): { start: string; head: string; command: string[] } {
  fs.mkdirSync(repo, { recursive: true });
  git(repo, 'init', '-q', '-b', 'main');
  for (let g = 0; g < GROUPS; g++) {
    for (let m = 0; m < MODULES_PER_GROUP; m++) {
      const body = Array.from({ length: 20 }, (_, i) => `  acc = (acc * 31 + x * ${i + m + 1}) % 1000003;`).join('\n');
      write(repo, `src/lib/g${g}/m${m}.js`, `'use strict';\n// Module ${m} of group ${g}.\nexports.f = (x) => {\n  let acc = ${g};\n${body}\n  return acc;\n};\n`);
    }
    write(repo, `src/lib/g${g}/index.js`, `module.exports = [${Array.from({ length: MODULES_PER_GROUP }, (_, m) => `require('./m${m}')`).join(', ')}];\n`);
  }
  write(repo, 'src/math.js', 'exports.add = (a, b) => a - b;\n');
  const tests: string[] = ['test/math.test.js'];
  write(repo, 'test/math.test.js', "const test = require('node:test');\nconst assert = require('node:assert');\nconst { add } = require('../src/math');\ntest('add adds', () => assert.strictEqual(add(2, 3), 5));\n");
  for (let t = 0; t < TEST_FILES; t++) {
    const groups = Array.from({ length: GROUPS / TEST_FILES }, (_, i) => t * (GROUPS / TEST_FILES) + i);
    write(
      repo,
      `test/g${t}.test.js`,
      [
        "const test = require('node:test');",
        "const assert = require('node:assert');",
        "const dep = require('dep');",
        ...groups.map((g) => `test('group ${g}', () => { let s = 0; for (let r = 0; r < 40; r++) for (const m of require('../src/lib/g${g}')) s = dep.mix(s, m.f(r)); assert.ok(s >= 0); });`),
        '',
      ].join('\n'),
    );
    tests.push(`test/g${t}.test.js`);
  }
  write(repo, '.gitignore', 'node_modules/\n');
  write(repo, 'package.json', '{ "name": "bench-repo", "private": true, "scripts": { "test": "node --test" } }\n');
  write(repo, 'node_modules/dep/index.js', 'exports.mix = (a, b) => (a ^ b) >>> 0;\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'start');
  const start = git(repo, 'rev-parse', 'HEAD');
  git(repo, 'checkout', '-q', '-b', 'loom/bench/fix-add');
  write(repo, 'src/math.js', 'exports.add = (a, b) => a + b;\n');
  git(repo, 'commit', '-q', '-am', 'fix add');
  const head = git(repo, 'rev-parse', 'HEAD');
  git(repo, 'checkout', '-q', 'main');
  return { start, head, command: ['node', '--test', ...tests] };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  const spec = detectSandbox();
  if (spec.kind === 'none') throw new Error(`no sandbox here: ${spec.summary}`);
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'loom-bench-verifier-')));
  try {
    const repo = path.join(root, 'repo');
    const { start, head, command } = makeRepo(repo);
    // The bare baseline's checkouts, prepared outside the timing, dependencies as a real folder.
    const bare = { start: path.join(root, 'bare-start'), head: path.join(root, 'bare-head') };
    for (const [dir, commit] of [[bare.start, start], [bare.head, head]] as const) {
      git(repo, 'worktree', 'add', '-q', '--detach', dir, commit);
      fs.cpSync(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'), { recursive: true });
    }
    const files = Number(git(repo, 'ls-files').split('\n').length);
    console.log(`repository: ${files} files; command: node --test (${command.length - 2} test files); flakeReruns ${RERUNS}; sandbox: ${spec.summary}`);

    const runBare = async (cwd: string): Promise<number> => {
      const r = await runCommand(command, { cwd, timeoutMs: 120_000, allowlist: ['node'] });
      return r.durationMs;
    };
    const task: Task = { ...TASK, acceptance: [{ kind: 'failToPass', command, testFiles: ['test/math.test.js'], testsBy: 'spec' }] };
    const ratios = { round1: [] as number[], round2: [] as number[] };
    const times = { round1: [] as number[], round2: [] as number[], bare1: [] as number[], bare2: [] as number[], prepare: [] as number[] };
    const bareRuns = async (): Promise<{ base: number; branch: number }> => {
      const base = await runBare(bare.start);
      let branch = 0;
      for (let i = 0; i <= RERUNS; i++) branch += await runBare(bare.head);
      return { base, branch };
    };
    for (let rep = 0; rep < REPETITIONS; rep++) {
      const scratchDir = path.join(root, `scratch-${rep}`);
      const worktree = path.join(scratchDir, 'verifier-fix-add');
      const input: VerifyTaskInput = {
        spec: SPEC,
        task,
        result: { status: 'done', summary: 'fixed add', filesChanged: ['src/math.js'], testsRun: [] },
        repo,
        startCommit: start,
        headCommit: head,
        scratchDir,
        worktree,
        baseRunsDir: path.join(root, `base-runs-${rep}`),
        commandAllowlist: ['node'],
        lintCommand: null,
        flakeReruns: RERUNS,
        commandTimeoutMs: 120_000,
        sandbox: { spec, runId: 'bench', agentId: `verify-fix-add-${rep}` },
      };
      const t0 = performance.now();
      await prepareVerifierWorktree(repo, worktree, start);
      times.prepare.push(performance.now() - t0);
      const verify = async (round: 1 | 2): Promise<number> => {
        const t0 = performance.now();
        const marks: string[] = [];
        const out = await verifyTask(input, { onCheck: (c) => marks.push(`${c.check.split(':')[0]} +${(performance.now() - t0).toFixed(0)}`) });
        const ms = performance.now() - t0;
        if (process.env.LOOM_BENCH_TRACE) console.log(`  round ${round}: ${marks.join(', ')}`);
        if (!out.passed) throw new Error(`round ${round} did not pass: ${JSON.stringify(out.findings, null, 2)}`);
        const detail = out.checks.find((c) => c.check.startsWith('failToPass'))?.detail ?? '';
        if (round === 2 && !detail.startsWith('cached base')) throw new Error(`round 2 ran the start commit again: ${detail}`);
        return ms;
      };
      // Each verify round next to its bare runs, in alternating order, so a change of load hits both.
      let v1: number, v2: number, b: { base: number; branch: number }, b2: number;
      if (rep % 2 === 0) {
        b = await bareRuns();
        v1 = await verify(1);
        v2 = await verify(2);
        b2 = (await bareRuns()).branch;
      } else {
        v1 = await verify(1);
        b = await bareRuns();
        b2 = (await bareRuns()).branch;
        v2 = await verify(2);
      }
      times.round1.push(v1);
      times.round2.push(v2);
      times.bare1.push(b.base + b.branch);
      times.bare2.push(b2);
      ratios.round1.push(v1 / (b.base + b.branch));
      ratios.round2.push(v2 / b2);
      console.log(`repetition ${rep + 1}: round 1 ${v1.toFixed(0)} ms vs bare ${(b.base + b.branch).toFixed(0)} ms (×${ratios.round1[rep].toFixed(2)}); round 2 ${v2.toFixed(0)} ms vs bare ${b2.toFixed(0)} ms (×${ratios.round2[rep].toFixed(2)})`);
    }
    // The figure is the median per-repetition ratio (each verify against the bare runs beside it), shown against a baseline of 1.
    const figure = (name: string, what: string, r: number[], v: number[], bareMs: number[]) => ({
      name: `${name} (median ${median(v).toFixed(0)} ms vs ${median(bareMs).toFixed(0)} ms bare)`,
      value: median(r),
      unit: '×',
      baseline: { value: 1, name: what },
      target: { on: 'ratio' as const, atMost: 1.3 },
    });
    reportFigures(`verifier overhead (median of ${REPETITIONS} repetitions)`, [
      figure(`verify round 1: start commit run + ${1 + RERUNS} branch runs`, `its ${2 + RERUNS} test runs bare`, ratios.round1, times.round1, times.bare1),
      figure(`verify round 2: kept checkout, cached start commit, ${1 + RERUNS} branch runs`, `its ${1 + RERUNS} test runs bare`, ratios.round2, times.round2, times.bare2),
      { name: 'verifier checkout made ahead, while the implementor works (off the path; shown only)', value: median(times.prepare), unit: 'ms' },
    ]);
  } finally {
    removeTree(root);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
