import assert from 'node:assert/strict';
import { mergePairs } from '../../../../extension/engine/merge/conflictCheck';
import { conflictContent } from '../../../../extension/engine/merge/conflictContent';
import { makeRepo, type TempRepo } from '../../../fixtures/gitRepo';
import { commitTree, differencesFromGit, files, gitSync, realMerge } from '../../../fixtures/realMerge';

/**
 * A submodule that really exists (not just a gitlink): diverged, fast-forwardable, and with a merge
 * of both in the submodule, batched and single, against what a real `git merge` says.
 */
describe('engine/merge conflict kinds: a real submodule, against a real git merge', () => {
  let sub: TempRepo;
  let sup: TempRepo;
  const heads: Record<string, string> = {};

  before(async () => {
    sub = await makeRepo({ s: '0\n' });
    const s0 = sub.head!;
    const one = commitTree(sub.dir, files({ s: '1\n' }), [s0]);
    const two = commitTree(sub.dir, files({ s: '0\n', t: '2\n' }), [s0]);
    const three = commitTree(sub.dir, files({ s: '1\n', u: '3\n' }), [one]);
    gitSync(sub.dir, ['branch', 'merged', commitTree(sub.dir, files({ s: '1\n', t: '2\n' }), [one, two])]);
    for (const [name, c] of Object.entries({ one, two, three })) gitSync(sub.dir, ['branch', name, c]);
    sup = await makeRepo({ k: 'k\n' });
    gitSync(sup.dir, ['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub.dir, 'sm']);
    gitSync(sup.dir, ['commit', '-q', '-m', 'submodule']);
    const base = gitSync(sup.dir, ['rev-parse', 'HEAD']).out.toString().trim();
    const gitmodules = gitSync(sup.dir, ['show', 'HEAD:.gitmodules']).out.toString();
    const link = (c: string) => files({ k: 'k\n', '.gitmodules': gitmodules, sm: { mode: '160000', oid: c } });
    heads.one = commitTree(sup.dir, link(one), [base]);
    heads.two = commitTree(sup.dir, link(two), [base]);
    heads.three = commitTree(sup.dir, link(three), [base]);
  });

  after(async () => {
    await sup?.cleanup();
    await sub?.cleanup();
  });

  for (const [a, b, clean] of [
    ['one', 'two', false], // diverged; a merge of both exists in the submodule: 'possible resolution'
    ['one', 'three', true], // three contains one: git fast-forwards the submodule
    ['two', 'three', false], // diverged, nothing merges them
  ] as const) {
    it(`${a} × ${b}: ${clean ? 'clean' : 'a submodule conflict'}, batched and single, as git merge says`, async () => {
      const ids: [string, string][] = [
        [heads[a], heads[b]],
        [heads[b], heads[a]],
      ];
      const batched = await mergePairs(sup.dir, ids, { batch: true, fallback: false });
      const single = await mergePairs(sup.dir, ids, { batch: false });
      assert.deepEqual(batched, single);
      for (const [k, [ours, theirs]] of ids.entries()) {
        const real = await realMerge(sup.dir, ours, theirs, { initSubmodules: true });
        assert.equal(real.clean, clean, real.output);
        const r = single[k];
        const content = r.clean ? [] : await conflictContent(sup.dir, ours, theirs, r.conflicts);
        assert.deepEqual(differencesFromGit(sup.dir, r, real, content), []);
        if (!r.clean) assert.deepEqual(r.conflicts, [{ path: 'sm', kind: 'submodule' }]);
      }
      if (clean) {
        // The one place git merge and merge-tree differ: in a checkout whose submodule is not checked
        // out, git merge cannot fast-forward it ('not checked out'); merge-tree reads .git/modules.
        assert.equal((await realMerge(sup.dir, heads[a], heads[b])).clean, false);
      }
    });
  }
});
