import assert from 'node:assert/strict';
import { mergePairs, parseBatchOutput } from '../../../../extension/engine/merge/conflictCheck';
import { conflictContent, stageContent } from '../../../../extension/engine/merge/conflictContent';
import { mergeTree, type MergeTreeResult } from '../../../../extension/engine/merge/mergeTree';
import { makeRepo, type TempRepo } from '../../../fixtures/gitRepo';
import { commitTree, differencesFromGit, files, gitSync, realMerge, type Files, type RealMerge } from '../../../fixtures/realMerge';

/**
 * Every kind of conflict git 2.39 knows, in a real repository, checked three ways — one batched
 * `merge-tree --stdin` for all pairs, small batches, one process per pair — against what a real
 * `git merge` of the same two commits leaves in the index (`git ls-files -u`, `git cat-file`):
 * the verdict, the stages (mode, object, stage, path bytes), the conflicted paths, base/ours/theirs
 * text, and the kind git's messages give.
 */

const lines = (n: number, edit: Record<number, string> = {}) => Array.from({ length: n }, (_, i) => edit[i + 1] ?? `line ${i + 1}`).join('\n') + '\n';
const BIG = lines(30); // long enough for rename detection after a one-line edit
const SM = (c: string) => ({ mode: '160000' as const, oid: c.repeat(40) });
const LATIN1 = Buffer.from('caf\xe9.txt', 'latin1'); // not UTF-8
const ODD = 'tab\there "quoted" \\ back.txt';

interface Scenario {
  name: string;
  clean: boolean;
  /** Kinds Loom must report for ours→theirs; `~OURS` / `~THEIRS` stand for the labels git adds to a path it moves aside. */
  kinds?: Record<string, string>;
  /** Base, ours and theirs trees, or a builder of the two commits (criss-cross histories). */
  trees?: { base: Files; ours: Files; theirs: Files };
  build?: (dir: string) => { ours: string; theirs: string; bases: string[] };
}

const SCENARIOS: Scenario[] = [
  {
    name: 'contents',
    clean: false,
    kinds: { 'f.txt': 'contents' },
    trees: { base: files({ 'f.txt': lines(10) }), ours: files({ 'f.txt': lines(10, { 3: 'A' }) }), theirs: files({ 'f.txt': lines(10, { 3: 'B' }) }) },
  },
  {
    name: 'clean edits of one file',
    clean: true,
    trees: { base: files({ 'f.txt': lines(10) }), ours: files({ 'f.txt': lines(10, { 1: 'A' }) }), theirs: files({ 'f.txt': lines(10, { 9: 'B' }) }) },
  },
  {
    name: 'add/add',
    clean: false,
    kinds: { 'new.txt': 'add/add' },
    trees: { base: files({ k: 'k\n' }), ours: files({ k: 'k\n', 'new.txt': 'A\n' }), theirs: files({ k: 'k\n', 'new.txt': 'B\n' }) },
  },
  {
    name: 'modify/delete',
    clean: false,
    kinds: { 'd.txt': 'modify/delete' },
    trees: { base: files({ 'd.txt': 'd\n', k: 'k\n' }), ours: files({ 'd.txt': 'd, edited\n', k: 'k\n' }), theirs: files({ k: 'k\n' }) },
  },
  {
    name: 'rename/delete',
    clean: false,
    kinds: { 'r2.txt': 'rename/delete', 'r.txt': 'rename/delete' },
    trees: { base: files({ 'r.txt': BIG, k: 'k\n' }), ours: files({ 'r2.txt': BIG, k: 'k\n' }), theirs: files({ k: 'k\n' }) },
  },
  {
    name: 'rename/rename (1to2)',
    clean: false,
    kinds: { 'a.txt': 'rename/rename', 'b.txt': 'rename/rename', 'r.txt': 'rename/rename' },
    trees: { base: files({ 'r.txt': BIG }), ours: files({ 'a.txt': BIG }), theirs: files({ 'b.txt': BIG }) },
  },
  {
    name: 'rename/rename (2to1)',
    clean: false,
    kinds: { 'z.txt': 'add/add' },
    trees: {
      base: files({ 'x.txt': lines(30, { 1: 'X' }), 'y.txt': lines(30, { 1: 'Y' }) }),
      ours: files({ 'z.txt': lines(30, { 1: 'X' }), 'y.txt': lines(30, { 1: 'Y' }) }),
      theirs: files({ 'x.txt': lines(30, { 1: 'X' }), 'z.txt': lines(30, { 1: 'Y' }) }),
    },
  },
  {
    name: 'rename/add',
    clean: false,
    kinds: { 'n.txt': 'add/add' },
    trees: { base: files({ 'r.txt': BIG }), ours: files({ 'n.txt': BIG }), theirs: files({ 'r.txt': BIG, 'n.txt': 'added\n' }) },
  },
  {
    name: 'renamed on one side, edited on both',
    clean: false,
    kinds: { 'g.txt': 'contents' },
    trees: { base: files({ 'f.txt': BIG }), ours: files({ 'g.txt': lines(30, { 2: 'A' }) }), theirs: files({ 'f.txt': lines(30, { 2: 'B' }) }) },
  },
  {
    name: 'binary',
    clean: false,
    kinds: { 'bin.dat': 'binary' },
    trees: {
      base: files({ 'bin.dat': Buffer.from([0, 1, 2, 3]) }),
      ours: files({ 'bin.dat': Buffer.from([0, 1, 2, 4]) }),
      theirs: files({ 'bin.dat': Buffer.from([0, 1, 2, 5]) }),
    },
  },
  {
    name: 'file/symlink',
    clean: false,
    kinds: { f: 'distinct modes', 'f~THEIRS': 'distinct modes' },
    trees: { base: files({ f: 'hello\n' }), ours: files({ f: { mode: '120000', content: 'target' } }), theirs: files({ f: 'hello, edited\n' }) },
  },
  {
    name: 'symlink/symlink',
    clean: false,
    kinds: { link: 'contents' },
    trees: {
      base: files({ link: { mode: '120000', content: 'a' } }),
      ours: files({ link: { mode: '120000', content: 'b' } }),
      theirs: files({ link: { mode: '120000', content: 'c' } }),
    },
  },
  {
    name: 'executable bit and contents',
    clean: false,
    kinds: { 's.sh': 'contents' },
    trees: {
      base: files({ 's.sh': lines(5) }),
      ours: files({ 's.sh': { mode: '100755', content: lines(5, { 2: 'A' }) } }),
      theirs: files({ 's.sh': lines(5, { 2: 'B' }) }),
    },
  },
  {
    name: 'distinct modes (executable vs symlink)',
    clean: false,
    kinds: { g: 'distinct modes', 'g~OURS': 'distinct modes' },
    trees: {
      base: files({ g: 'x\n' }),
      ours: files({ g: { mode: '100755', content: 'x\n' } }),
      theirs: files({ g: { mode: '120000', content: 'tg' } }),
    },
  },
  {
    name: 'file/directory',
    clean: false,
    kinds: { d: 'file/directory', 'd~THEIRS': 'file/directory' },
    trees: { base: files({ d: 'file\n' }), ours: files({ 'd/x': 'x\n' }), theirs: files({ d: 'file, edited\n' }) },
  },
  {
    name: 'directory rename suggested',
    clean: false,
    kinds: { 'y/c': 'directory rename suggested', 'x/c': 'directory rename suggested' },
    trees: { base: files({ 'x/a': 'a\n', 'x/b': 'b\n' }), ours: files({ 'y/a': 'a\n', 'y/b': 'b\n' }), theirs: files({ 'x/a': 'a\n', 'x/b': 'b\n', 'x/c': 'c\n' }) },
  },
  {
    name: 'directory rename unclear split',
    clean: false,
    kinds: { x: 'directory rename unclear split' },
    trees: { base: files({ 'x/a': 'a\n', 'x/b': 'b\n' }), ours: files({ 'y/a': 'a\n', 'z/b': 'b\n' }), theirs: files({ 'x/a': 'a\n', 'x/b': 'b\n', 'x/c': 'c\n' }) },
  },
  {
    name: 'directory rename collision',
    clean: false,
    kinds: { 'z/c': 'directory rename collision', 'w/c': 'directory rename collision', 'x/c': 'directory rename collision' },
    trees: {
      base: files({ 'x/a': 'a\n', 'x/b': 'b\n', 'w/d': 'd\n', 'w/e': 'e\n' }),
      ours: files({ 'z/a': 'a\n', 'z/b': 'b\n', 'z/d': 'd\n', 'z/e': 'e\n' }),
      theirs: files({ 'x/a': 'a\n', 'x/b': 'b\n', 'x/c': 'c from x\n', 'w/d': 'd\n', 'w/e': 'e\n', 'w/c': 'c from w\n' }),
    },
  },
  {
    name: 'file in the way of a directory rename',
    clean: false,
    kinds: { 'y/c': 'file in way of directory rename', 'x/c': 'file in way of directory rename' },
    trees: {
      base: files({ 'x/a': 'a\n', 'x/b': 'b\n' }),
      ours: files({ 'y/a': 'a\n', 'y/b': 'b\n' }),
      theirs: files({ 'x/a': 'a\n', 'x/b': 'b\n', 'x/c': 'c\n', 'y/c': 'in the way\n' }),
    },
  },
  {
    name: 'directory rename suggested onto a path added on the renaming side',
    clean: false,
    kinds: { 'y/c': 'directory rename suggested', 'x/c': 'directory rename suggested' },
    trees: {
      base: files({ 'x/a': 'a\n', 'x/b': 'b\n' }),
      ours: files({ 'y/a': 'a\n', 'y/b': 'b\n', 'y/c': 'added with the rename\n' }),
      theirs: files({ 'x/a': 'a\n', 'x/b': 'b\n', 'x/c': 'c\n' }),
    },
  },
  {
    name: 'submodule',
    clean: false,
    kinds: { sm: 'submodule' },
    trees: { base: files({ sm: SM('1'), k: 'k\n' }), ours: files({ sm: SM('2'), k: 'k\n' }), theirs: files({ sm: SM('3'), k: 'k\n' }) },
  },
  {
    name: 'path that is not UTF-8, and one git would quote',
    clean: false,
    kinds: { [LATIN1.toString('utf8')]: 'contents', [ODD]: 'contents' },
    trees: {
      base: [[LATIN1, lines(5)], [ODD, lines(5)]],
      ours: [[LATIN1, lines(5, { 1: 'A' })], [ODD, lines(5, { 1: 'A' })]],
      theirs: [[LATIN1, lines(5, { 1: 'B' })], [ODD, lines(5, { 1: 'B' })]],
    },
  },
  {
    name: 'criss-cross (virtual base)',
    clean: false,
    kinds: { 'f.txt': 'contents' },
    build: (dir) => {
      const b0 = commitTree(dir, files({ 'f.txt': lines(10) }));
      const a1 = commitTree(dir, files({ 'f.txt': lines(10, { 1: 'a' }) }), [b0]);
      const b1 = commitTree(dir, files({ 'f.txt': lines(10, { 10: 'b' }) }), [b0]);
      const m1 = commitTree(dir, files({ 'f.txt': lines(10, { 1: 'a', 5: 'm1', 10: 'b' }) }), [a1, b1]);
      const m2 = commitTree(dir, files({ 'f.txt': lines(10, { 1: 'a', 5: 'm2', 10: 'b' }) }), [b1, a1]);
      return { ours: m1, theirs: m2, bases: [a1, b1] };
    },
  },
  {
    name: 'criss-cross whose bases conflict',
    clean: false,
    kinds: { 'f.txt': 'contents' },
    build: (dir) => {
      const b0 = commitTree(dir, files({ 'f.txt': lines(10) }));
      const a1 = commitTree(dir, files({ 'f.txt': lines(10, { 5: 'a' }) }), [b0]);
      const b1 = commitTree(dir, files({ 'f.txt': lines(10, { 5: 'b' }) }), [b0]);
      const m1 = commitTree(dir, files({ 'f.txt': lines(10, { 5: 'm1' }) }), [a1, b1]);
      const m2 = commitTree(dir, files({ 'f.txt': lines(10, { 5: 'm2' }) }), [b1, a1]);
      return { ours: m1, theirs: m2, bases: [a1, b1] };
    },
  },
];

interface Pair {
  scenario: Scenario;
  ours: string;
  theirs: string;
  forward: boolean;
  real: RealMerge;
}

describe('engine/merge conflict kinds against a real git merge', () => {
  let repo: TempRepo;
  const pairs: Pair[] = [];
  let batched: MergeTreeResult[];
  let smallBatches: MergeTreeResult[];
  let single: MergeTreeResult[];

  before(async () => {
    repo = await makeRepo({ 'README.md': 'scenarios live in their own histories\n' });
    gitSync(repo.dir, ['config', 'core.quotePath', 'true']); // -z output must not be quoted whatever this says
    for (const scenario of SCENARIOS) {
      let ours: string;
      let theirs: string;
      if (scenario.build) ({ ours, theirs } = scenario.build(repo.dir));
      else {
        const t = scenario.trees!;
        const base = commitTree(repo.dir, t.base, [], `${scenario.name}: base`);
        ours = commitTree(repo.dir, t.ours, [base], `${scenario.name}: ours`);
        theirs = commitTree(repo.dir, t.theirs, [base], `${scenario.name}: theirs`);
      }
      pairs.push({ scenario, ours, theirs, forward: true, real: await realMerge(repo.dir, ours, theirs) });
      pairs.push({ scenario, ours: theirs, theirs: ours, forward: false, real: await realMerge(repo.dir, theirs, ours) });
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
