import assert from 'node:assert/strict';
import { mergePairs } from '../../../../extension/engine/merge/conflictCheck';
import { conflictContent, stageContent } from '../../../../extension/engine/merge/conflictContent';
import type { MergeTreeResult } from '../../../../extension/engine/merge/mergeTree';
import type { TempRepo } from '../../../fixtures/gitRepo';
import { differencesFromGit, realMerge, type RealMerge } from '../../../fixtures/realMerge';
import { BIG, lines, makeScenarioRepo, scenarioPairs, SCENARIOS, type ScenarioPair } from './conflictScenarios';

/**
 * Every kind of conflict git 2.39 knows (conflictScenarios.ts), in a real repository, checked three
 * ways — one batched `merge-tree --stdin` for all pairs, small batches, one process per pair —
 * against what a real `git merge` of the same two commits leaves in the index (`git ls-files -u`,
 * `git cat-file`): the verdict, the stages (mode, object, stage, path bytes), the conflicted paths,
 * base/ours/theirs text, and the kind git's messages give.
 */

interface Pair extends ScenarioPair {
  real: RealMerge;
}

describe('engine/merge conflict kinds against a real git merge', () => {
  let repo: TempRepo;
  const pairs: Pair[] = [];
  let batched: MergeTreeResult[];
  let smallBatches: MergeTreeResult[];
  let single: MergeTreeResult[];

  before(async () => {
    repo = await makeScenarioRepo();
    for (const scenario of SCENARIOS) {
      for (const p of scenarioPairs(repo.dir, scenario)) pairs.push({ ...p, real: await realMerge(repo.dir, p.ours, p.theirs) });
    }
    const ids = pairs.map((p): [string, string] => [p.ours, p.theirs]);
    batched = await mergePairs(repo.dir, ids, { batch: true, chunkSize: 1000, fallback: false });
    smallBatches = await mergePairs(repo.dir, ids, { batch: true, chunkSize: 3, fallback: false });
    single = await mergePairs(repo.dir, ids, { batch: false });
  });

  after(() => repo.cleanup());

  it('git itself agrees: every scenario conflicts as intended, in both directions', () => {
    for (const p of pairs) assert.equal(p.real.clean, p.scenario.clean, `${p.scenario.name}: git merge said ${p.real.clean ? 'clean' : 'conflicted'}\n${p.real.output}`);
  });

  for (const [mode, results] of [
    ['one batch', () => batched],
    ['batches of 3', () => smallBatches],
    ['one process per pair', () => single],
  ] as const) {
    it(`${mode}: the verdict, stages and conflicted paths of a real git merge`, () => {
      results().forEach((r, k) => {
        const p = pairs[k];
        assert.deepEqual(differencesFromGit(repo.dir, r, p.real), [], `${p.scenario.name} (${p.forward ? 'ours→theirs' : 'theirs→ours'})`);
      });
    });
  }

  it('batched and single agree exactly (trees, kinds, messages)', () => {
    assert.deepEqual(batched, single);
    assert.deepEqual(smallBatches, single);
  });

  it('reports the kind git gives each path', () => {
    for (const [k, p] of pairs.entries()) {
      if (!p.forward || !p.scenario.kinds) continue;
      const r = single[k];
      assert.equal(r.clean, false);
      if (r.clean) continue;
      const expected = Object.fromEntries(Object.entries(p.scenario.kinds).map(([path, kind]) => [path.replace('~OURS', `~${p.ours}`).replace('~THEIRS', `~${p.theirs}`), kind]));
      assert.deepEqual(Object.fromEntries(r.conflicts.map((c) => [c.path, c.kind])), expected, p.scenario.name);
    }
  });

  it('every kind of conflict git names is recognised (no unknown kinds, no CONFLICT message without a path)', () => {
    for (const r of single) {
      if (r.clean) continue;
      for (const c of r.conflicts) assert.notEqual(c.kind, 'unknown');
      for (const m of r.messages.filter((x) => /^CONFLICT/.test(x.type))) assert.ok(m.paths.every((x) => r.conflicts.some((c) => c.path === x)), m.type);
    }
  });

  it('base, ours and theirs are the blobs git put at stages 1, 2 and 3 (conflictContent and stageContent)', async () => {
    for (const [k, p] of pairs.entries()) {
      const r = single[k];
      if (r.clean) continue;
      const viaStages = await stageContent(repo.dir, r.stages, r.conflicts);
      const viaPair = await conflictContent(repo.dir, p.ours, p.theirs, r.conflicts);
      const staged = new Set(r.stages.map((s) => s.path));
      // A path only a message names holds no stage: conflictContent reads it by path instead.
      assert.deepEqual(
        viaPair.filter((c) => staged.has(c.path)),
        viaStages.filter((c) => staged.has(c.path)),
        p.scenario.name,
      );
      assert.deepEqual(differencesFromGit(repo.dir, r, p.real, viaPair), [], p.scenario.name);
    }
  });

  it('a file renamed on one side shows all three sides; a criss-cross shows git’s virtual base, not a merge base', async () => {
    const at = (name: string) => pairs.findIndex((p) => p.scenario.name === name && p.forward);
    const renamed = await conflictContent(repo.dir, pairs[at('renamed on one side, edited on both')].ours, pairs[at('renamed on one side, edited on both')].theirs, [{ path: 'g.txt', kind: 'contents' }]);
    assert.deepEqual([renamed[0].base, renamed[0].ours, renamed[0].theirs], [BIG, lines(30, { 2: 'A' }), lines(30, { 2: 'B' })]);

    const cc = pairs[at('criss-cross (virtual base)')];
    const [virtual] = await conflictContent(repo.dir, cc.ours, cc.theirs, [{ path: 'f.txt', kind: 'contents' }]);
    assert.equal(virtual.base, lines(10, { 1: 'a', 10: 'b' }));

    const conflictedBases = pairs[at('criss-cross whose bases conflict')];
    const [nested] = await conflictContent(repo.dir, conflictedBases.ours, conflictedBases.theirs, [{ path: 'f.txt', kind: 'contents' }]);
    assert.match(nested.base!, /^<{7,} Temporary merge branch 1$/m); // git's virtual base keeps the bases' own conflict, with longer markers

    const sm = pairs[at('submodule')];
    const [sub] = await conflictContent(repo.dir, sm.ours, sm.theirs, [{ path: 'sm', kind: 'submodule' }]);
    assert.deepEqual([sub.base, sub.ours, sub.theirs, sub.binary], [null, null, null, false]);
    assert.deepEqual(sub.sides, { base: { mode: '160000', oid: '1'.repeat(40) }, ours: { mode: '160000', oid: '2'.repeat(40) }, theirs: { mode: '160000', oid: '3'.repeat(40) } });
  });
});
