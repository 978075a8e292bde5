import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { verifyTask, type VerifyTaskInput } from '../../../../extension/engine/verify/verifyTask';
import { makeStartCommitRunsAhead } from '../../../../extension/engine/verify/startCommitRuns';
import type { CheckReport } from '../../../../extension/engine/verify/checkReport';
import { detectSandbox } from '../../../../extension/engine/sandbox/detectSandbox';
import { MATH_FIXED, makeFixtureRepo, type FixtureRepo } from './fixtureRepo';
import { SPEC, TASK } from './specFixture';

/**
 * A task verified over rounds with its kept checkout and the run's cache of start-commit runs: a
 * preload script outside every checkout logs each real test run (where and on which code), so the
 * count of runs is what the runner did, not what the verifier says.
 */
describe('engine/verify/verifyTask over rounds: one checkout, cached start-commit runs', () => {
  let fx: FixtureRepo;
  let log: string;
  let preload: string;
  beforeEach(() => {
    fx = makeFixtureRepo();
    log = path.join(fx.root, 'runs.log');
    preload = path.join(fx.root, 'count-runs.cjs');
    // Only the runner's own process logs (node --test runs each file in a child that has NODE_TEST_CONTEXT).
    fs.writeFileSync(
      preload,
      "const fs = require('fs');\n" +
        'if (!process.env.NODE_TEST_CONTEXT) {\n' +
        "  const code = fs.readFileSync('src/math.js', 'utf8');\n" +
        `  fs.appendFileSync(${JSON.stringify(log)}, (code.includes('a + b') ? 'fixed' : 'buggy') + '\\n');\n` +
        '}\n',
    );
  });
  afterEach(() => fx.cleanup());

  const runs = () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : []);
  const worktree = () => path.join(fx.scratchDir, 'verifier-fix-add');
  const baseRunsDir = () => path.join(fx.root, 'run', 'base-runs');

  function input(start: string, head: string, rest: Partial<VerifyTaskInput> = {}): VerifyTaskInput {
    const command = ['node', '--require', preload, '--test', 'test/add.test.js'];
    return {
      spec: SPEC,
      task: { ...TASK, acceptance: [{ kind: 'failToPass', command, testFiles: ['test/add.test.js'], testsBy: 'spec' }] },
      result: { status: 'done', summary: 's', filesChanged: ['src/math.js'], testsRun: [] },
      repo: fx.repo,
      startCommit: start,
      headCommit: head,
      scratchDir: fx.scratchDir,
      worktree: worktree(),
      baseRunsDir: baseRunsDir(),
      commandAllowlist: ['node'],
      lintCommand: null,
      flakeReruns: 2,
      commandTimeoutMs: 30_000,
      ...rest,
    };
  }

  const failToPass = (checks: readonly CheckReport[]) => checks.find((c) => c.check.startsWith('failToPass'));

  it('round 2 reuses the start-commit run and the checkout; the branch runs exactly as often as the policy needs', async () => {
    // Round 1: a wrong fix that also adds a file. The base runs once; the branch fails its first run, which decides it.
    const wrong = fx.branch('loom/r1/wrong', { 'src/math.js': 'exports.add = (a, b) => a * b;\nexports.sub = (a, b) => a - b;\n', 'src/scratch.js': '1;\n' });
    const first = await verifyTask(input(fx.start, wrong, { result: { status: 'done', summary: 's', filesChanged: ['src/math.js', 'src/scratch.js'], testsRun: [] } }));
    assert.equal(first.passed, false);
    assert.deepEqual(first.findings.filter((f) => f.severity === 'error').map((f) => f.rule), ['failToPass/stillFails']);
    assert.deepEqual(runs(), ['buggy', 'buggy'], 'one base run, one branch run (the failure ends them)');
    assert.match(failToPass(first.checks)?.detail ?? '', /^base: .*; branch: 0\/1 runs passed$/);
    assert.equal(fx.worktreeCount(), 2, 'the checkout is kept for the next round');

    // Round 2: the real fix, on top of round 1. No base run; 1 + flakeReruns branch runs, all passing.
    const fixed = fx.branch('loom/r1/fixed', { 'src/math.js': MATH_FIXED, 'src/scratch.js': null }, wrong);
    const second = await verifyTask(input(fx.start, fixed));
    assert.equal(second.passed, true, JSON.stringify(second.findings));
    assert.deepEqual(runs(), ['buggy', 'buggy', 'fixed', 'fixed', 'fixed']);
    assert.match(failToPass(second.checks)?.detail ?? '', /^cached base: .*; branch: 3\/3 runs passed$/);
    assert.equal(fx.worktreeCount(), 2, 'the same checkout, not a new one');
    assert.ok(!fs.existsSync(path.join(worktree(), 'src/scratch.js')), 'nothing of round 1 is left in the checkout');
    assert.deepEqual(fs.readdirSync(fx.scratchDir), ['verifier-fix-add'], 'only the kept checkout stays in scratch');
  });

  it('another task from the same start commit reuses the run; a new start commit runs the base again', async () => {
    const fixed = fx.branch('loom/r1/fixed', { 'src/math.js': MATH_FIXED });
    await verifyTask(input(fx.start, fixed, { flakeReruns: 0 }));
    assert.deepEqual(runs(), ['buggy', 'fixed']);
    // A second task (its own checkout) from the same start commit: no base run.
    const other = await verifyTask(input(fx.start, fixed, { flakeReruns: 0, worktree: path.join(fx.scratchDir, 'verifier-other') }));
    assert.equal(other.passed, true, JSON.stringify(other.findings));
    assert.deepEqual(runs(), ['buggy', 'fixed', 'fixed']);

    // A dependency landed: the task now starts from a new commit, and its start-commit run is made again.
    const newStart = fx.branch('loom/r1/dep', { 'README.md': '# with a dependency merged\n' });
    const rebased = fx.branch('loom/r1/fixed-2', { 'src/math.js': MATH_FIXED }, newStart);
    const third = await verifyTask(input(newStart, rebased, { flakeReruns: 0 }));
    assert.equal(third.passed, true, JSON.stringify(third.findings));
    assert.deepEqual(runs(), ['buggy', 'fixed', 'fixed', 'buggy', 'fixed']);
    assert.match(failToPass(third.checks)?.detail ?? '', /^base: /);
  });

  it('a start-commit run that timed out is not cached: the next round runs it again', async () => {
    const slow = path.join(fx.root, 'slow.cjs');
    // Hangs on the start commit's code, exits at once on the fix.
    fs.writeFileSync(slow, `require(${JSON.stringify(preload)}); if (!require('fs').readFileSync('src/math.js', 'utf8').includes('a + b')) setTimeout(() => {}, 60_000);\n`);
    const fixed = fx.branch('loom/r1/fixed', { 'src/math.js': MATH_FIXED });
    const task = { ...TASK, acceptance: [{ kind: 'failToPass' as const, command: ['node', slow], testFiles: ['test/add.test.js'], testsBy: 'spec' as const }] };
    for (const round of [1, 2]) {
      const out = await verifyTask(input(fx.start, fixed, { task, flakeReruns: 0, commandTimeoutMs: 2_000 }));
      assert.match(failToPass(out.checks)?.detail ?? '', /^base: timed out/, `round ${round}`);
    }
    assert.deepEqual(runs(), ['buggy', 'fixed', 'buggy', 'fixed']);
  });

  it('in the sandbox, both commits see the dependencies, and what the start-commit run wrote into them reaches neither the branch runs, the next round nor the user', async () => {
    fs.mkdirSync(path.join(fx.repo, 'node_modules/dep'), { recursive: true });
    fs.writeFileSync(path.join(fx.repo, 'node_modules/dep/index.js'), 'module.exports = 42;\n');
    const sandbox = { spec: detectSandbox(), runId: 'r1', agentId: 'verify-fix-add-1' };
    assert.equal(sandbox.spec.kind, 'bubblewrap', sandbox.spec.summary);
    // Fails on the start commit for an assertion reason, passes on the fix; each run scribbles over its dependency.
    const test = [
      "const test = require('node:test'); const assert = require('node:assert'); const fs = require('fs');",
      "test('dep is pristine and add adds', () => { assert.strictEqual(require('dep'), 42); fs.writeFileSync('node_modules/dep/index.js', 'module.exports = 0;'); assert.strictEqual(require('../src/math').add(2, 3), 5); });",
      '',
    ].join('\n');
    const start = fx.branch('loom/r1/start', { 'test/dep.test.js': test });
    const fixed = fx.branch('loom/r1/fixed', { 'src/math.js': MATH_FIXED }, start);
    const task = { ...TASK, acceptance: [{ kind: 'failToPass' as const, command: ['node', '--test', 'test/dep.test.js'], testFiles: ['test/dep.test.js'], testsBy: 'spec' as const }] };
    for (const round of [1, 2]) {
      // One branch run: reruns within a round share the branch's copy-on-write layer, as a lease's runs do.
      const out = await verifyTask(input(start, fixed, { task, flakeReruns: 0, sandbox }));
      assert.equal(out.passed, true, `round ${round}: ${JSON.stringify(out.findings)}`);
    }
    assert.equal(fs.readFileSync(path.join(fx.repo, 'node_modules/dep/index.js'), 'utf8'), 'module.exports = 42;\n');
  });

  it('start-commit runs made ahead (while the implementor works) are what round 1 uses; stopped ahead, the verifier makes its own', async () => {
    // Made ahead in the verifier's checkout: the base runs once, on the start commit, and is cached.
    await makeStartCommitRunsAhead({ ...input(fx.start, fx.start), worktree: worktree() }, new AbortController().signal);
    assert.deepEqual(runs(), ['buggy']);
    assert.equal(fs.readdirSync(baseRunsDir()).length, 1);
    assert.deepEqual(fs.readdirSync(fx.scratchDir), ['verifier-fix-add'], 'its scratch is gone, the checkout kept');
    const fixed = fx.branch('loom/ahead/fixed', { 'src/math.js': MATH_FIXED });
    const verified = await verifyTask(input(fx.start, fixed));
    assert.equal(verified.passed, true, JSON.stringify(verified.findings));
    assert.deepEqual(runs(), ['buggy', 'fixed', 'fixed', 'fixed'], 'no second base run');
    assert.match(failToPass(verified.checks)?.detail ?? '', /^cached base: /);

    // Stopped before it ran anything (its task ended first): nothing cached, and the verifier runs the base itself.
    const other = fx.branch('loom/ahead/other', { 'src/math.js': MATH_FIXED, 'src/note.js': '1;\n' });
    const stop = new AbortController();
    stop.abort();
    fs.rmSync(baseRunsDir(), { recursive: true });
    await assert.rejects(makeStartCommitRunsAhead({ ...input(fx.start, fx.start), worktree: worktree() }, stop.signal));
    assert.equal(fs.existsSync(baseRunsDir()) ? fs.readdirSync(baseRunsDir()).length : 0, 0);
    const again = await verifyTask(input(fx.start, other, { result: { status: 'done', summary: 's', filesChanged: ['src/math.js', 'src/note.js'], testsRun: [] } }));
    assert.equal(again.passed, true, JSON.stringify(again.findings));
    assert.match(failToPass(again.checks)?.detail ?? '', /^base: /);
    assert.deepEqual(runs().slice(4), ['buggy', 'fixed', 'fixed', 'fixed']);
  });
});
