import assert from 'node:assert/strict';
import { conflictFiles, conflictKind, mergeTree, parseMergeRecord, splitTokens, toResult } from '../../../../extension/engine/merge/mergeTree';
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

  it('reads stage lines, CONFLICT types spelled without a space, and the advice after a submodule conflict', () => {
    const tree = 'e06a7f2c77c3aa2c6d47c26e06dbf895956a0b92';
    const oid = (c: string) => c.repeat(40);
    const out = Buffer.concat([
      Buffer.from(`${tree}\x00160000 ${oid('1')} 1\tsm\x00160000 ${oid('2')} 2\tsm\x00160000 ${oid('3')} 3\tsm\x00`),
      Buffer.from(`100644 ${oid('4')} 2\t`),
      Buffer.from('caf\xe9', 'latin1'),
      Buffer.from('\x00\x00'),
      Buffer.from('1\x00sm\x00CONFLICT (submodule not initialized)\x00Failed to merge submodule sm (not checked out)\n\x00'),
      Buffer.from('1\x00sm\x00CONFLICT (contents)\x00CONFLICT (submodule): Merge conflict in sm\n\x00'),
      Buffer.from('1\x00x\x00CONFLICT(directory rename unclear split)\x00CONFLICT (directory rename split): Unclear where to rename x to\n\x00'),
      Buffer.from('Recursive merging with submodules currently only supports trivial cases.\nPlease manually handle the merging of each conflicted submodule.\n'),
    ]);
    const tokens = splitTokens(out);
    const { record, next } = parseMergeRecord(tokens, 0);
    assert.equal(next, tokens.length);
    assert.match(record.advice, /^Recursive merging with submodules/);
    assert.deepEqual(record.conflictedPaths, ['sm', 'caf\ufffd']);
    assert.deepEqual(record.stages[3], { path: 'caf\ufffd', mode: '100644', oid: oid('4'), stage: 2, rawPath: Buffer.from('caf\xe9', 'latin1').toString('base64') });
    assert.deepEqual(conflictFiles(record), [
      { path: 'sm', kind: 'submodule' },
      { path: 'caf\ufffd', kind: 'contents' },
      { path: 'x', kind: 'directory rename unclear split' },
    ]);
    assert.equal(conflictKind({ paths: [], type: 'CONFLICT(directory rename collision)', text: '' }), 'directory rename collision');
    assert.equal(conflictKind({ paths: [], type: 'Auto-merging', text: '' }), null);
  });

  it('is conflicted when git says so, even when no path is listed', () => {
    const record = { tree: 'e06a7f2c77c3aa2c6d47c26e06dbf895956a0b92', conflictedPaths: [], stages: [], messages: [], advice: '' };
    assert.equal(toResult(record, true).clean, false);
    assert.equal(toResult(record, false).clean, true);
  });
});

