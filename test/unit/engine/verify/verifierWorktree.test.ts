import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openVerifierWorktree } from '../../../../extension/engine/verify/verifierWorktree';
import { removeScratchWorktree } from '../../../../extension/engine/verify/scratchWorktree';
import { MATH_FIXED, makeFixtureRepo, type FixtureRepo } from './fixtureRepo';

/** Every file under `dir` except git's own `.git` link, relative and sorted. */
function filesIn(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => !e.isDirectory())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .filter((p) => p !== '.git')
    .sort();
}

describe('engine/verify/verifierWorktree', () => {
  let fx: FixtureRepo;
  beforeEach(() => {
    fx = makeFixtureRepo();
  });
  afterEach(() => fx.cleanup());

  it('a reset leaves exactly the commit: no file of the previous commit or round, tracked, untracked or ignored', async () => {
    const a = fx.branch('loom/r/a', { 'src/only-in-a.js': 'module.exports = 1;\n', 'src/math.js': MATH_FIXED });
    const b = fx.branch('loom/r/b', { 'README.md': '# b\n' });
    const dir = path.join(fx.scratchDir, 'verifier-t');
    const wt = await openVerifierWorktree(fx.repo, dir, a);
    assert.ok(fs.existsSync(path.join(dir, 'src/only-in-a.js')));
    // What a round leaves behind: an edited tracked file, an untracked file, ignored output, a nested folder.
    fs.writeFileSync(path.join(dir, 'test/add.test.js'), 'edited by a test run\n');
    fs.writeFileSync(path.join(dir, 'scribble.txt'), 'x');
    fs.mkdirSync(path.join(dir, 'node_modules/dep'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'node_modules/dep/index.js'), 'module.exports = 0;\n');
    fs.mkdirSync(path.join(dir, 'build/deep'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'build/deep/out.js'), '');

    await wt.resetTo(b);
    const expected = fx.git('ls-tree', '-r', '--name-only', b).split('\n').sort();
    assert.deepEqual(filesIn(dir), expected);
    assert.equal(fs.readFileSync(path.join(dir, 'test/add.test.js'), 'utf8'), fx.git('show', `${b}:test/add.test.js`) + '\n');
    assert.equal(fs.readFileSync(path.join(dir, 'README.md'), 'utf8'), '# b\n');
    assert.equal(fx.git('-C', dir, 'status', '--porcelain', '--ignored'), '');
    assert.equal(fx.git('-C', dir, 'rev-parse', 'HEAD'), b);
  });

  it("a later round reopens the same checkout (no new worktree) and resets it, and removal leaves no trace", async () => {
    const a = fx.branch('loom/r/a', { 'src/only-in-a.js': 'module.exports = 1;\n' });
    const dir = path.join(fx.scratchDir, 'verifier-t');
    await openVerifierWorktree(fx.repo, dir, a);
    fs.writeFileSync(path.join(dir, 'left-by-round-1.txt'), 'x');
    const gitLink = fs.readFileSync(path.join(dir, '.git'), 'utf8');

    const again = await openVerifierWorktree(fx.repo, dir, fx.start);
    assert.equal(again.dir, dir);
    assert.equal(fx.worktreeCount(), 2, fx.git('worktree', 'list'));
    assert.equal(fs.readFileSync(path.join(dir, '.git'), 'utf8'), gitLink, 'the same worktree, not a new one');
    assert.ok(!fs.existsSync(path.join(dir, 'left-by-round-1.txt')));
    assert.ok(!fs.existsSync(path.join(dir, 'src/only-in-a.js')));
    assert.equal(fx.git('-C', dir, 'rev-parse', 'HEAD'), fx.start);

    await removeScratchWorktree(fx.repo, dir);
    assert.ok(!fs.existsSync(dir));
    assert.equal(fx.worktreeCount(), 1);
    await removeScratchWorktree(fx.repo, dir); // already gone: nothing to do
  });

  it("a test run that rewrites the checkout's .git link cannot point a reset at another task's worktree", async () => {
    const a = fx.branch('loom/r/a', { 'src/only-in-a.js': 'module.exports = 1;\n' });
    const b = fx.branch('loom/r/b', { 'README.md': '# b\n' });
    // Another task's lease, and the link to its worktree record a test could write.
    const lease = path.join(fx.root, 'lease-other');
    fx.git('worktree', 'add', '-q', '--detach', lease, a);
    const leaseLink = fs.readFileSync(path.join(lease, '.git'), 'utf8');
    const dir = path.join(fx.scratchDir, 'verifier-t');
    const wt = await openVerifierWorktree(fx.repo, dir, fx.start);

    fs.writeFileSync(path.join(dir, '.git'), leaseLink); // within a round: between the start-commit run and the reset
    await wt.resetTo(b);
    assert.equal(fx.git('-C', lease, 'rev-parse', 'HEAD'), a, "the other task's worktree is untouched");
    assert.equal(fx.git('-C', dir, 'rev-parse', 'HEAD'), b);

    fs.writeFileSync(path.join(dir, '.git'), leaseLink); // across rounds: the link the next round finds
    await openVerifierWorktree(fx.repo, dir, fx.start);
    assert.equal(fx.git('-C', lease, 'rev-parse', 'HEAD'), a);
    assert.equal(fx.git('-C', lease, 'status', '--porcelain'), '');
    assert.equal(fx.git('-C', dir, 'rev-parse', 'HEAD'), fx.start);
    assert.equal(fx.worktreeCount(), 3, fx.git('worktree', 'list'));
  });

  it('a folder left by a killed verifier that is no longer a worktree is replaced by a fresh checkout', async () => {
    const dir = path.join(fx.scratchDir, 'verifier-t');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'stale.txt'), 'x');
    await openVerifierWorktree(fx.repo, dir, fx.start);
    assert.deepEqual(filesIn(dir), fx.git('ls-tree', '-r', '--name-only', fx.start).split('\n').sort());
    assert.equal(fx.worktreeCount(), 2);
  });
});
