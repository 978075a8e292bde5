import assert from 'node:assert/strict';
import { conflictFiles, mergeTree, parseMergeRecord } from '../../../../extension/engine/merge/mergeTree';
import { snapshotRepo } from '../../../../extension/engine/workspace/gitRepo';
import { commitOnBranch, git, makeRepo, type TempRepo } from '../../../fixtures/gitRepo';

const lines = (n: number, tag = '') => Array.from({ length: n }, (_, i) => `line ${i + 1}${tag}`).join('\n') + '\n';

describe('engine/merge/mergeTree', () => {
  let repo: TempRepo;

  before(async () => {
    repo = await makeRepo({
      'f.txt': lines(20),
      'del.txt': 'keep me\n',
      'ren.txt': 'rename me\n',
      'add/x.txt': 'x\n',
      'with space.txt': 'a\nb\nc\n',
    });
    await commitOnBranch(
      repo.dir,
      'A',
      {
        'f.txt': lines(20).replace('line 2\n', 'line 2 A\n'),
        'del.txt': 'modified in A\n',
        'ren.txt': null,
        'renA.txt': 'rename me\n',
        'new.txt': 'added by A\n',
        'with space.txt': 'a\nb A\nc\n',
      },
      'A',
    );
    await commitOnBranch(
      repo.dir,
      'B',
      {
        'f.txt': lines(20).replace('line 2\n', 'line 2 B\n'),
        'del.txt': null,
        'ren.txt': null,
        'renB.txt': 'rename me\n',
        'new.txt': 'added by B\n',
        'with space.txt': 'a\nb B\nc\n',
      },
      'B',
      'main',
    );
    await commitOnBranch(repo.dir, 'C', { 'f.txt': lines(20).replace('line 19\n', 'line 19 C\n') }, 'C', 'main');
  });

  after(() => repo.cleanup());

  it('maps every conflicted path to its kind', async () => {
    const before = await snapshotRepo(repo.dir);
    const r = await mergeTree(repo.dir, 'A', 'B');
    assert.equal(r.clean, false);
    if (r.clean) return;
    assert.match(r.tree, /^[0-9a-f]{40}$/);
    const byPath = Object.fromEntries(r.conflicts.map((c) => [c.path, c.kind]));
    assert.deepEqual(byPath, {
      'del.txt': 'modify/delete',
      'f.txt': 'contents',
      'new.txt': 'add/add',
      'ren.txt': 'rename/rename',
      'renA.txt': 'rename/rename',
      'renB.txt': 'rename/rename',
      'with space.txt': 'contents',
    });
    assert.deepEqual(await snapshotRepo(repo.dir), before);
  });

  it('reports a clean merge of non-overlapping edits', async () => {
    const r = await mergeTree(repo.dir, 'A', 'C');
    assert.equal(r.clean, true);
    const merged = await git(repo.dir, 'cat-file', 'blob', `${r.tree}:f.txt`);
    assert.match(merged, /line 2 A/);
    assert.match(merged, /line 19 C/);
  });

  it('throws on a revision that names nothing', async () => {
    await assert.rejects(mergeTree(repo.dir, 'A', 'no-such-branch'), /merge-tree/);
  });

  it('parses file/directory and rename/delete messages, naming paths outside the conflicted list', () => {
    const out = [
      'e06a7f2c77c3aa2c6d47c26e06dbf895956a0b92',
      'bin.dat',
      'fd~B',
      'rdA.txt',
      '',
      '1', 'bin.dat', 'CONFLICT (binary)', 'warning: Cannot merge binary files: bin.dat (A vs. B)\n',
      '1', 'bin.dat', 'CONFLICT (contents)', 'CONFLICT (content): Merge conflict in bin.dat\n',
      '2', 'fd~B', 'fd', 'CONFLICT (file/directory)', 'CONFLICT (file/directory): directory in the way of fd from B; moving it to fd~B instead.\n',
      '1', 'fd~B', 'CONFLICT (modify/delete)', 'CONFLICT (modify/delete): fd~B deleted in A and modified in B.\n',
      '2', 'rdA.txt', 'rd.txt', 'CONFLICT (rename/delete)', 'CONFLICT (rename/delete): rd.txt renamed to rdA.txt in A, but deleted in B.\n',
      '',
    ].join('\0');
    const { record } = parseMergeRecord(out.split('\0'), 0);
    assert.deepEqual(conflictFiles(record), [
      { path: 'bin.dat', kind: 'binary' },
      { path: 'fd~B', kind: 'file/directory' },
      { path: 'rdA.txt', kind: 'rename/delete' },
      { path: 'fd', kind: 'file/directory' },
      { path: 'rd.txt', kind: 'rename/delete' },
    ]);
  });

  it('defaults a conflicted path with no message to contents', () => {
    const { record } = parseMergeRecord(['e06a7f2c77c3aa2c6d47c26e06dbf895956a0b92', 'x', '', ''], 0);
    assert.deepEqual(conflictFiles(record), [{ path: 'x', kind: 'contents' }]);
  });
});
