import { makeRepo, type TempRepo } from '../../../fixtures/gitRepo';
import { commitTree, files, gitSync, type Files } from '../../../fixtures/realMerge';

/**
 * Every kind of conflict git 2.39 knows, as scenarios to build in a real repository: each one's base,
 * ours and theirs (or a builder of a criss-cross history), whether git merges it cleanly, and the
 * kind Loom must report for each conflicted path. Shared by conflictKinds*.test.ts.
 */

export const lines = (n: number, edit: Record<number, string> = {}) => Array.from({ length: n }, (_, i) => edit[i + 1] ?? `line ${i + 1}`).join('\n') + '\n';
export const BIG = lines(30); // long enough for rename detection after a one-line edit
const SM = (c: string) => ({ mode: '160000' as const, oid: c.repeat(40) });
const LATIN1 = Buffer.from('caf\xe9.txt', 'latin1'); // not UTF-8
const ODD = 'tab\there "quoted" \\ back.txt';

export interface Scenario {
  name: string;
  clean: boolean;
  /** Kinds Loom must report for ours→theirs; `~OURS` / `~THEIRS` stand for the labels git adds to a path it moves aside. */
  kinds?: Record<string, string>;
  /** Base, ours and theirs trees, or a builder of the two commits (criss-cross histories). */
  trees?: { base: Files; ours: Files; theirs: Files };
  build?: (dir: string) => { ours: string; theirs: string; bases: string[] };
}

export const SCENARIOS: Scenario[] = [
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

/** One scenario's two commits, in one direction. */
export interface ScenarioPair {
  scenario: Scenario;
  ours: string;
  theirs: string;
  forward: boolean;
}

/** A repository for the scenarios' histories. */
export async function makeScenarioRepo(): Promise<TempRepo> {
  const repo = await makeRepo({ 'README.md': 'scenarios live in their own histories\n' });
  gitSync(repo.dir, ['config', 'core.quotePath', 'true']); // -z output must not be quoted whatever this says
  return repo;
}

/** Commits the scenario in `dir`: the pair to merge ours→theirs, then the same two commits theirs→ours. */
export function scenarioPairs(dir: string, scenario: Scenario): [ScenarioPair, ScenarioPair] {
  let ours: string;
  let theirs: string;
  if (scenario.build) ({ ours, theirs } = scenario.build(dir));
  else {
    const t = scenario.trees!;
    const base = commitTree(dir, t.base, [], `${scenario.name}: base`);
    ours = commitTree(dir, t.ours, [base], `${scenario.name}: ours`);
    theirs = commitTree(dir, t.theirs, [base], `${scenario.name}: theirs`);
  }
  return [
    { scenario, ours, theirs, forward: true },
    { scenario, ours: theirs, theirs: ours, forward: false },
  ];
}
