import assert from 'node:assert/strict';
import { bothChange, describeFiles, parseHunkHeaders, predictConflicts } from '../../../../extension/engine/merge/conflictPrediction';
import { commitOnBranch, makeRepo, type TempRepo } from '../../../fixtures/gitRepo';
import { edit, THREE_FUNCTIONS } from '../../../fixtures/threeFunctions';


describe('conflict prediction', () => {
  let repo: TempRepo;

  before(async () => {
    repo = await makeRepo({ 'src/calc.js': THREE_FUNCTIONS, 'README.md': '# calc\n' });
  });

  after(async () => {
    await repo?.cleanup();
  });

  it('predicts two branches that edit the same function, with the merge-base lines both change', async () => {
    const ours = await commitOnBranch(repo.dir, 'same-a', { 'src/calc.js': edit({ 8: '  const a = x - 10;', 9: '  const b = a / 20;' }) }, 'a edits beta');
    const theirs = await commitOnBranch(repo.dir, 'same-b', { 'src/calc.js': edit({ 9: '  const b = a / 3;', 10: '  return b + 1;' }) }, 'b edits beta');
    const [result] = await predictConflicts(repo.dir, [{ ours, theirs }]);
    assert.equal(result.clean, false);
    assert.ok(!result.clean);
    assert.deepEqual(result.files, [{ path: 'src/calc.js', kind: 'contents', hunks: [{ start: 9, end: 9 }] }]);
    assert.equal(describeFiles(result.files), 'src/calc.js lines 9');
  });

  it('does not predict two branches that edit different functions of the same file', async () => {
    const ours = await commitOnBranch(repo.dir, 'apart-a', { 'src/calc.js': edit({ 2: '  const a = x + 100;' }) }, 'a edits alpha');
    const theirs = await commitOnBranch(repo.dir, 'apart-b', { 'src/calc.js': edit({ 15: '  const b = a % 11;' }) }, 'b edits gamma');
    const [result] = await predictConflicts(repo.dir, [{ ours, theirs }]);
    assert.deepEqual(result, { clean: true });
  });

  it('checks many pairs in one batch, in input order', async () => {
    const a = await commitOnBranch(repo.dir, 'batch-a', { 'src/calc.js': edit({ 14: '  const a = x * 4;' }) }, 'a edits gamma');
    const b = await commitOnBranch(repo.dir, 'batch-b', { 'src/calc.js': edit({ 14: '  const a = x * 5;', 15: '  const b = a % 5;' }) }, 'b edits gamma');
    const c = await commitOnBranch(repo.dir, 'batch-c', { 'README.md': '# calc, documented\n' }, 'c edits the readme');
    const results = await predictConflicts(repo.dir, [
      { ours: a, theirs: b },
      { ours: a, theirs: c },
      { ours: b, theirs: c },
    ]);
    assert.deepEqual(
      results.map((r) => r.clean),
      [false, true, true],
    );
    assert.ok(!results[0].clean);
    assert.deepEqual(results[0].files[0].hunks, [{ start: 14, end: 14 }]);
  });

  it('reads the base side of -U0 hunk headers, insertions as the line they come before', () => {
    const diff = ['diff --git a/f b/f', 'index 1111111..2222222 100644', '--- a/f', '+++ b/f', '@@ -3,2 +3,3 @@', '-a', '-b', '+c', '+d', '+e', '@@ -9,0 +11 @@', '+z', '@@ -20 +22 @@', '-q', '+r', ''].join('\n');
    assert.deepEqual(parseHunkHeaders(diff), [
      { from: 3, count: 2 },
      { from: 10, count: 0 },
      { from: 20, count: 1 },
    ]);
    assert.deepEqual(parseHunkHeaders(''), []);
  });

  it('reports overlapping lines, and touching changes or insertions as the span of both', () => {
    assert.deepEqual(bothChange([{ from: 3, count: 4 }], [{ from: 5, count: 4 }]), [{ start: 5, end: 6 }]);
    // Touching: git conflicts on adjacent changes.
    assert.deepEqual(bothChange([{ from: 3, count: 2 }], [{ from: 5, count: 1 }]), [{ start: 3, end: 5 }]);
    // An insertion before line 5 inside a change of 4-6.
    assert.deepEqual(bothChange([{ from: 5, count: 0 }], [{ from: 4, count: 3 }]), [{ start: 4, end: 6 }]);
    // Apart.
    assert.deepEqual(bothChange([{ from: 1, count: 2 }], [{ from: 10, count: 2 }]), []);
  });
});
