import assert from 'node:assert/strict';
import { checkPairs, mergePairs } from '../../../../extension/engine/merge/conflictCheck';
import { conflictContent } from '../../../../extension/engine/merge/conflictContent';
import { mergeTree } from '../../../../extension/engine/merge/mergeTree';
import { snapshotRepo } from '../../../../extension/engine/workspace/gitRepo';
import { commitOnBranch, makeRepo, writeFiles, type TempRepo } from '../../../fixtures/gitRepo';

const BASE = ['function greet() {', "  return 'hello';", '}', '', 'function part() {', '  return 1;', '}', ''].join('\n');

describe('engine/merge/conflictCheck', () => {
  let repo: TempRepo;
  const heads: Record<string, string> = {};

  before(async () => {
    repo = await makeRepo({ 'src/app.ts': BASE, 'README.md': 'readme\n', 'old.txt': 'old\n' });
    heads.t1 = await commitOnBranch(repo.dir, 'loom/r/t1', { 'src/app.ts': BASE.replace("'hello'", "'hi from t1'") }, 't1');
    heads.t2 = await commitOnBranch(repo.dir, 'loom/r/t2', { 'src/app.ts': BASE.replace("'hello'", "'hey from t2'") }, 't2', 'main');
    heads.t3 = await commitOnBranch(repo.dir, 'loom/r/t3', { 'README.md': 'readme by t3\n' }, 't3', 'main');
    heads.t4 = await commitOnBranch(repo.dir, 'loom/r/t4', { 'old.txt': 'old, edited by t4\n' }, 't4', 'main');
    heads.t5 = await commitOnBranch(repo.dir, 'loom/r/t5', { 'old.txt': null }, 't5', 'main');
  });

  after(() => repo.cleanup());

  it('finds same-line edits as a contents conflict, and only the conflicting pairs', async () => {
    // A dirty user checkout must not matter, nor change.
    await writeFiles(repo.dir, { 'src/app.ts': 'user edit\n', 'scratch.txt': 'x\n' });
    const before = await snapshotRepo(repo.dir);
    const r = await checkPairs(
      repo.dir,
      ['t1', 't2', 't3', 't4', 't5'].map((taskId) => ({ taskId, commit: heads[taskId] })),
    );
    assert.equal(r.pairsChecked, 10);
    assert.deepEqual(
      r.conflicts.map(({ taskIds, files, stages }) => ({ taskIds, files, stages: stages.map((s) => `${s.stage} ${s.path}`) })),
      [
        { taskIds: ['t1', 't2'], files: [{ path: 'src/app.ts', kind: 'contents' }], stages: ['1 src/app.ts', '2 src/app.ts', '3 src/app.ts'] },
        { taskIds: ['t4', 't5'], files: [{ path: 'old.txt', kind: 'modify/delete' }], stages: ['1 old.txt', '2 old.txt'] },
      ],
    );
    assert.deepEqual(await snapshotRepo(repo.dir), before);
  });

  it('gives the same answers batched and one pair at a time', async () => {
    const ids = Object.values(heads);
    const pairs: [string, string][] = [];
    for (const a of ids) for (const b of ids) if (a !== b) pairs.push([a, b]);
    const batched = await mergePairs(repo.dir, pairs, { batch: true, chunkSize: 7, fallback: false });
    const single = await mergePairs(repo.dir, pairs, { batch: false });
    assert.deepEqual(batched.map(strip), single.map(strip));
    const direct = await mergeTree(repo.dir, heads.t1, heads.t2);
    assert.deepEqual(strip(batched[0]), strip(direct));
  });

  it('accepts branch names and checks nothing for fewer than two branches', async () => {
    assert.deepEqual(await checkPairs(repo.dir, [{ taskId: 't1', commit: 'loom/r/t1' }]), { pairsChecked: 0, conflicts: [] });
    const r = await checkPairs(repo.dir, [
      { taskId: 't1', commit: 'loom/r/t1' },
      { taskId: 't2', commit: 'loom/r/t2' },
    ]);
    assert.equal(r.conflicts.length, 1);
  });

  it('returns base, ours and theirs of each conflicted file', async () => {
    const [c] = await conflictContent(repo.dir, heads.t1, heads.t2, [{ path: 'src/app.ts', kind: 'contents' }]);
    assert.equal(c.path, 'src/app.ts');
    assert.equal(c.kind, 'contents');
    assert.equal(c.base, BASE);
    assert.match(c.ours!, /hi from t1/);
    assert.match(c.theirs!, /hey from t2/);
    assert.equal(c.binary, false);
    assert.equal(c.truncated, false);

    const [d] = await conflictContent(repo.dir, heads.t4, heads.t5, [{ path: 'old.txt', kind: 'modify/delete' }]);
    assert.deepEqual([d.base, d.ours, d.theirs], ['old\n', 'old, edited by t4\n', null]);

    const [cut] = await conflictContent(repo.dir, heads.t1, heads.t2, [{ path: 'src/app.ts', kind: 'contents' }], { maxBytes: 10 });
    assert.equal(cut.truncated, true);
    assert.equal(cut.base, BASE.slice(0, 10));
  });
});

function strip(r: Awaited<ReturnType<typeof mergeTree>>) {
  return r.clean ? { clean: true, tree: r.tree } : { clean: false, tree: r.tree, conflicts: r.conflicts };
}
