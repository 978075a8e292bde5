import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { AcceptanceCheck } from '../../../../extension/protocol/plan';
import { integrate } from '../../../../extension/engine/merge/integrate';
import { mergePoints } from '../../../../extension/engine/merge/mergePoints';
import { findSemanticConflicts, sandboxedSemanticDeps, type SemanticTask } from '../../../../extension/engine/run/semanticCheck';
import { openRunSandbox } from '../../../../extension/engine/run/agentConfinement';
import { runPaths } from '../../../../extension/engine/run/runPaths';
import { removeTree } from '../../../../extension/engine/sandbox/removeTree';
import { SANDBOX_HOME } from '../../../../extension/protocol/sandbox';
import { commitOnBranch, git, makeRepo, makeTempDir, type TempRepo } from '../../../fixtures/gitRepo';

// A helper that task `a` relies on and task `b` renames (updating every caller it knows of).
const HELPER = 'exports.add = (a, b) => a + b;\n';
const HELPER_TEST = "const assert = require('node:assert');\nconst h = require('../lib/helper');\nassert.equal(h.add(2, 3), 5);\n";
const SUM = "const { add } = require('./helper');\nexports.sum = (a, b) => add(a, b);\n";
const SUM_TEST = "const assert = require('node:assert');\nconst { sum } = require('../lib/sum');\nassert.equal(sum(2, 3), 5);\n";
const RENAMED = 'exports.plus = (a, b) => a + b;\n';
const RENAMED_TEST = "const assert = require('node:assert');\nconst h = require('../lib/helper');\nassert.equal(h.plus(2, 3), 5);\n";

const failToPass = (file: string): AcceptanceCheck => ({ kind: 'failToPass', command: ['node', file], testFiles: [file], testsBy: 'testAuthor' });
const passToPass = (...command: string[]): AcceptanceCheck => ({ kind: 'passToPass', command });

describe('engine/run/semanticCheck', function () {
  this.timeout(120_000);
  let repo: TempRepo;
  let scratch: { dir: string; cleanup: () => Promise<void> };
  let base: string;
  const tasks: Record<string, SemanticTask> = {};

  before(async () => {
    repo = await makeRepo({ 'lib/helper.js': HELPER, 'test/helper.test.js': HELPER_TEST });
    base = repo.head!;
    scratch = await makeTempDir('loom-semantic-');
    const task = async (id: string, files: Record<string, string>, acceptance: AcceptanceCheck[]) => {
      tasks[id] = { taskId: id, headCommit: await commitOnBranch(repo.dir, `loom/t/${id}`, files, id, base), acceptance };
    };
    await task('a', { 'lib/sum.js': SUM, 'test/sum.test.js': SUM_TEST }, [failToPass('test/sum.test.js')]);
    await task('b', { 'lib/helper.js': RENAMED, 'test/helper.test.js': RENAMED_TEST }, [passToPass('node', 'test/helper.test.js')]);
    await task('c', { 'README.md': 'docs\n' }, [passToPass('node', '-e', "require('fs').accessSync('README.md')")]);
    // Fails once in a checkout (it leaves an untracked marker), then passes.
    await task('flaky', { 'test/flaky.test.js': "const fs = require('fs');\nif (!fs.existsSync('.ran')) { fs.writeFileSync('.ran', ''); process.exit(1); }\n" }, [passToPass('node', 'test/flaky.test.js')]);
    await task('broken', { 'broken.txt': 'x\n' }, [passToPass('node', '-e', 'process.exit(3)')]);
    // Two checks that cannot run side by side: each holds the same lock folder in the checkout for a while.
    const holdLock = (name: string) => passToPass('node', '-e', `require('fs').mkdirSync('.lock'); setTimeout(() => require('fs').rmdirSync('.lock'), 1500); // ${name}`);
    await task('lockA', { 'a.txt': 'a\n' }, [holdLock('a')]);
    await task('lockB', { 'b.txt': 'b\n' }, [holdLock('b')]);
  });

  after(async () => {
    await scratch.cleanup();
    await repo.cleanup();
  });

  /** Integrates the tasks in order (as the run does) and checks the result. */
  async function check(runId: string, ids: string[], extra: { prepare?: (dir: string) => Promise<void>; listed?: string[]; lanes?: number } = {}) {
    const merged = ids.map((id) => tasks[id]);
    const r = await integrate(repo.dir, { runId, baseCommit: base, ordered: merged.map((t) => ({ taskId: t.taskId, commit: t.headCommit })) });
    assert.deepEqual(r.skipped, [], 'git merges them all cleanly');
    const runs: string[] = [];
    const result = await findSemanticConflicts(
      { repo: repo.dir, scratchDir: scratch.dir, onRun: (x) => runs.push(`${x.taskId} ${x.commit === r.head ? 'head' : x.commit.slice(0, 7)} ${x.passed}`), prepare: extra.prepare, lanes: extra.lanes },
      { baseCommit: base, integrationHead: r.head, merged: extra.listed ? extra.listed.map((id) => tasks[id]) : merged },
    );
    return { result, head: r.head, runs };
  }

  it('runs the head checks side by side in lanes; one that failed beside another runs again alone, and only that run counts', async () => {
    const { result, head, runs } = await check('lanes', ['a', 'b', 'lockA', 'lockB'], { lanes: 2 });
    // The lock checks met at the head: one of them failed there, then passed alone; neither is a conflict nor flaky.
    assert.deepEqual([result.flaky, result.failsOnItsBranch], [[], []]);
    const lockRuns = runs.filter((r) => r.startsWith('lock'));
    assert.equal(lockRuns.filter((r) => r.endsWith('false')).length, 1, lockRuns.join(', '));
    assert.equal(lockRuns.length, 3, lockRuns.join(', '));
    // What breaks for real is still found, and bisected as before.
    assert.deepEqual(
      result.failures.map((f) => [f.taskId, f.introducedBy.taskId]),
      [['a', 'b']],
    );
    assert.ok(runs.includes(`a head false`));
    assert.equal(result.checked, 4);
    assert.ok(head);
    await assertNoLeftovers();
  });

  async function assertNoLeftovers() {
    assert.equal((await git(repo.dir, 'worktree', 'list', '--porcelain')).split('\n').filter((l) => l.startsWith('worktree ')).length, 1);
    assert.deepEqual(await fs.readdir(scratch.dir), []);
  }

  it("names the merge that broke a task's test: b renames the helper a relies on, git merges them cleanly", async () => {
    const { result, head } = await check('two', ['a', 'b']);
    assert.equal(result.failures.length, 1);
    const [failure] = result.failures;
    assert.equal(failure.taskId, 'a');
    assert.equal(failure.check, 'node test/sum.test.js');
    assert.deepEqual(failure.introducedBy, { taskId: 'b', mergeCommit: head });
    assert.deepEqual(failure.changedFiles, ['lib/helper.js', 'test/helper.test.js']);
    assert.match(failure.evidence ?? '', /add is not a function/);
    assert.match(failure.detail, /merge of b/);
    assert.deepEqual([result.flaky, result.failsOnItsBranch, result.checked], [[], [], 2]);
    await assertNoLeftovers();
  });

  it('finds nothing when the merged tasks work together', async () => {
    const { result, runs } = await check('clean', ['a', 'c']);
    assert.deepEqual(result, { failures: [], flaky: [], failsOnItsBranch: [], checked: 2 });
    assert.deepEqual(runs, ['a head true', 'c head true']);
    await assertNoLeftovers();
  });

  it('bisects three merges to the second one, which introduced the failure', async () => {
    const { result, runs } = await check('three', ['a', 'b', 'c']);
    const points = await mergePoints(repo.dir, base, await git(repo.dir, 'rev-parse', 'loom/three/integration'), ['a', 'b', 'c'].map((id) => tasks[id]));
    assert.deepEqual(
      result.failures.map((f) => [f.taskId, f.introducedBy]),
      [['a', { taskId: 'b', mergeCommit: points[1].commit }]],
    );
    // At the head, a re-run, a's own head, then the bisection: b's merge fails; a's merge is a's own
    // head (a fast-forward), already known to pass, so it is not run again.
    assert.deepEqual(runs, [
      'a head false',
      'b head true',
      'c head true',
      'a head false',
      `a ${tasks.a.headCommit.slice(0, 7)} true`,
      `a ${points[1].commit.slice(0, 7)} false`,
    ]);
    assert.equal(points[0].commit, tasks.a.headCommit, 'a fast-forwarded');
    await assertNoLeftovers();
  });

  it('reads the landing order from the branch, not from the order the tasks are listed in (a resumed run lists them in plan order)', async () => {
    const { result } = await check('listed', ['a', 'b', 'c'], { listed: ['c', 'b', 'a'] });
    const points = await mergePoints(repo.dir, base, await git(repo.dir, 'rev-parse', 'loom/listed/integration'), [tasks.a, tasks.b, tasks.c]);
    assert.deepEqual(points.map((p) => p.position), [0, 1, 2]);
    assert.deepEqual(
      result.failures.map((f) => [f.taskId, f.introducedBy]),
      [['a', { taskId: 'b', mergeCommit: points[1].commit }]],
    );
    await assertNoLeftovers();
  });

  it("blames a task's own merge when its check breaks on top of what merged before it", async () => {
    const { result, head } = await check('own', ['b', 'a']);
    assert.deepEqual(
      result.failures.map((f) => [f.taskId, f.introducedBy]),
      [['a', { taskId: 'a', mergeCommit: head }]],
    );
    assert.match(result.failures[0].detail, /tasks merged before it/);
    await assertNoLeftovers();
  });

  it('notes a flaky check and a check that fails on its own branch too, and counts neither as a conflict', async () => {
    const { result } = await check('noise', ['c', 'flaky', 'broken']);
    assert.deepEqual(result.failures, []);
    assert.deepEqual(result.flaky.map((n) => [n.taskId, n.check]), [['flaky', 'node test/flaky.test.js']]);
    assert.match(result.flaky[0].detail, /passed 1 of 1 re-run/);
    assert.deepEqual(result.failsOnItsBranch.map((n) => n.taskId), ['broken']);
    await assertNoLeftovers();
  });

  it('removes the scratch worktree when a step throws', async () => {
    let seen = '';
    await assert.rejects(
      check('throws', ['a', 'b'], {
        prepare: async (dir) => {
          seen = dir;
          throw new Error('setup failed');
        },
      }),
      /setup failed/,
    );
    assert.ok(seen.startsWith(scratch.dir + path.sep));
    await assertNoLeftovers();
  });

  it("runs the checks as the merge gate does: in the sandbox, with the user's node_modules and the setup recipe, which every check sees, also where it wrote into the dependencies", async function () {
    if (process.platform !== 'linux') this.skip();
    const home = await makeTempDir('loom-semantic-home-');
    const user = await makeRepo({ '.gitignore': 'node_modules/\nbuilt.txt\n', 'lib/helper.js': HELPER, 'test/helper.test.js': HELPER_TEST, 'node_modules/dep/index.js': 'exports.two = 2;\n' });
    try {
      const start = user.head!;
      const own = async (id: string, files: Record<string, string>, acceptance: AcceptanceCheck[]): Promise<SemanticTask> => ({
        taskId: id,
        headCommit: await commitOnBranch(user.dir, `loom/t/${id}`, files, id, start),
        acceptance,
      });
      const sees = `require('dep'); require('dep/built'); require('fs').accessSync('built.txt'); if (process.env.HOME !== '${SANDBOX_HOME}') process.exit(5);`;
      // d and e first, so that the checks at the head start side by side with them (in lanes, were there more than one).
      const merged = [
        await own('d', { 'd.txt': 'd\n' }, [passToPass('node', '-e', `${sees} // d`)]),
        await own('e', { 'e.txt': 'e\n' }, [passToPass('node', '-e', `${sees} // e`)]),
        await own('a', { 'lib/sum.js': SUM, 'test/sum.test.js': SUM_TEST }, [failToPass('test/sum.test.js')]),
        await own('b', { 'lib/helper.js': RENAMED, 'test/helper.test.js': RENAMED_TEST }, [passToPass('node', 'test/helper.test.js')]),
      ];
      const r = await integrate(user.dir, { runId: 'sb', baseCommit: start, ordered: merged.map((t) => ({ taskId: t.taskId, commit: t.headCommit })) });
      const bundle = path.join(home.dir, 'bundle');
      await fs.mkdir(bundle);
      const options = { repo: user.dir, bundle: { agentWorker: path.join(bundle, 'agentWorker.js'), toolServer: path.join(bundle, 'toolServer.js') }, commandTimeoutMs: 60_000, commandAllowlist: ['node'] };
      const paths = runPaths(home.dir, 'sb');
      await fs.mkdir(paths.runDir, { recursive: true });
      const sandbox = await openRunSandbox(options, paths.runDir);
      assert.equal(sandbox.spec.kind, 'bubblewrap', sandbox.spec.summary);
      // The recipe writes into the checkout and into the copy-on-write dependencies.
      const setup = "echo ok > built.txt && echo 'exports.built = 1;' > node_modules/dep/built.js";
      const runs: string[] = [];
      const deps = { ...sandboxedSemanticDeps({ runId: 'sb', paths, sandbox, signal: new AbortController().signal, setup, options }), onRun: (x: { taskId: string; commit: string; passed: boolean }) => runs.push(`${x.taskId} ${x.commit === r.head ? 'head' : 'earlier'} ${x.passed}`) };

      const result = await findSemanticConflicts(deps, { baseCommit: start, integrationHead: r.head, merged });
      const points = await mergePoints(user.dir, start, r.head, merged);
      assert.deepEqual(result.failures.map((f) => [f.taskId, f.introducedBy]), [['a', { taskId: 'b', mergeCommit: points[3].commit }]]);
      assert.deepEqual([result.flaky, result.failsOnItsBranch, result.checked], [[], [], 4]);
      // Each check saw the recipe's dependencies on its first run: none failed and ran again.
      assert.deepEqual(runs.filter((run) => /^[de] /.test(run)), ['d head true', 'e head true']);
      assert.deepEqual(await fs.readdir(paths.scratch), []);
      assert.deepEqual(await fs.readdir(path.join(user.dir, 'node_modules', 'dep')), ['index.js']);
    } finally {
      removeTree(home.dir);
      await user.cleanup();
    }
  });
});
