import assert from 'node:assert/strict';
import { mergePairs, parseBatchOutput } from '../../../../extension/engine/merge/conflictCheck';
import { mergeTree, type MergeTreeResult } from '../../../../extension/engine/merge/mergeTree';
import type { TempRepo } from '../../../fixtures/gitRepo';
import { gitSync } from '../../../fixtures/realMerge';
import { makeScenarioRepo, scenarioPairs, SCENARIOS, type ScenarioPair } from './conflictScenarios';

/**
 * merge-tree output that is hard to read, on the scenarios of conflictScenarios.ts: a pair git
 * cannot merge in the middle of a batch, batch output cut short or with text Loom does not expect,
 * and the advice block git prints for a submodule conflict.
 */
describe('engine/merge conflict kinds: a pair git cannot merge, and output that cannot be read', () => {
  let repo: TempRepo;
  const pairs: ScenarioPair[] = [];
  let single: MergeTreeResult[];

  before(async () => {
    repo = await makeScenarioRepo();
    for (const scenario of SCENARIOS) pairs.push(...scenarioPairs(repo.dir, scenario));
    single = await mergePairs(repo.dir, pairs.map((p): [string, string] => [p.ours, p.theirs]), { batch: false });
  });

  after(() => repo.cleanup());

  it('a pair git cannot merge (unrelated histories) in the middle of a batch fails only itself', async () => {
    const a = pairs[0];
    const b = pairs.find((p) => p.scenario.name === 'submodule')!;
    const unrelated: [string, string] = [a.ours, b.ours];
    const input: [string, string][] = [[a.ours, a.theirs], unrelated, [b.ours, b.theirs], [a.theirs, a.ours]];
    const r = await mergePairs(repo.dir, input, { batch: true, fallback: false });
    assert.equal(r.length, 4);
    assert.equal(r[1].clean, false);
    assert.match(r[1].clean ? '' : (r[1].unknown ?? ''), /unrelated histories/);
    assert.deepEqual(r[0], single[pairs.indexOf(a)]);
    assert.deepEqual(r[2], single[pairs.indexOf(b)]);
    assert.deepEqual(r[3], single[pairs.indexOf(a) + 1]);
    assert.deepEqual(await mergePairs(repo.dir, input, { batch: false }), r);
  });

  it('batch output that cannot be read stops at that pair, keeping the ones before it', async () => {
    const ids = pairs.slice(0, 3).map((p): [string, string] => [p.ours, p.theirs]);
    const out = gitSync(repo.dir, ['merge-tree', '--write-tree', '-z', '--messages', '--stdin'], { input: ids.map((x) => x.join(' ') + '\n').join('') }).out;
    const whole = parseBatchOutput(out, 3, true);
    assert.equal(whole.failure, '');
    assert.deepEqual(whole.results, single.slice(0, 3));
    // Free text git might print between two messages of the second record: the first is kept, the rest are left to be redone.
    const second = out.indexOf(Buffer.from(`\0${single[1].clean ? 1 : 0}\0${single[1].tree}`)) + 1;
    const count = out.indexOf(Buffer.from('\x001\x00f.txt\x00'), second) + 1;
    assert.ok(second > 0 && count > second);
    const broken = Buffer.concat([out.subarray(0, count), Buffer.from('Some advice git 2.39 does not print.\n\0'), out.subarray(count)]);
    const cut = parseBatchOutput(broken, 3, true);
    // A corrupt status makes the record before it untrusted too: nothing says where it ends.
    assert.equal(parseBatchOutput(Buffer.concat([out.subarray(0, second), Buffer.from('7'), out.subarray(second + 1)]), 3, true).results.length, 0);
    assert.deepEqual(cut.results, single.slice(0, 1));
    assert.match(cut.failure, /result 1/);
    // Cut short at the end, or a git that did not end well: the last record is not trusted.
    assert.equal(parseBatchOutput(out.subarray(0, out.length - 30), 3, true).results.length, 2);
    assert.equal(parseBatchOutput(out, 3, false).results.length, 2);
  });

  it('a single call reads a submodule conflict, advice block and all', async () => {
    const p = pairs.find((x) => x.scenario.name === 'submodule')!;
    const r = await mergeTree(repo.dir, p.ours, p.theirs);
    assert.equal(r.clean, false);
    if (r.clean) return;
    assert.deepEqual(r.conflicts, [{ path: 'sm', kind: 'submodule' }]);
  });
});
