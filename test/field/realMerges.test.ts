import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mergePairs } from '../../extension/engine/merge/conflictCheck';
import { conflictContent } from '../../extension/engine/merge/conflictContent';
import type { MergeTreeResult } from '../../extension/engine/merge/mergeTree';
import { makeTempDir } from '../fixtures/gitRepo';
import { differencesFromGit, gitSync, realMerge } from '../fixtures/realMerge';

/**
 * Field check of Loom's in-memory conflict check on real history: the two parents of every
 * two-parent merge commit of real public repositories (local mirrors, `LOOM_MERGE_MIRRORS`,
 * default /work/.mirror, one bare repository per `<owner>+<name>/repo`) go through `mergePairs`
 * batched and one per process, and the conflicted ones (plus a sample of clean ones) through a real
 * `git merge` in a scratch worktree; verdict, stages, conflicted paths and base/ours/theirs text must
 * match. Skipped when no mirror is there.
 */

const MIRRORS = process.env.LOOM_MERGE_MIRRORS ?? '/work/.mirror';
const REPOS = (process.env.LOOM_MERGE_REPOS ?? 'markedjs+marked,tj+commander.js,fastify+fast-json-stringify,pkgjs+parseargs,eemeli+yaml,micromatch+picomatch')
  .split(',')
  .filter((r) => fs.existsSync(path.join(MIRRORS, r, 'repo')));
/** Real merges per repository replayed against git merge: every conflicted pair up to this, and as many clean ones as fit. */
const REAL_PER_REPO = Number(process.env.LOOM_MERGE_REAL ?? 30);
const CLEAN_SAMPLE = Number(process.env.LOOM_MERGE_CLEAN_SAMPLE ?? 8);

interface Tally {
  repo: string;
  pairs: number;
  conflicted: number;
  /** Pairs with several merge bases (git merges them into a virtual base), all pairs / conflicted ones. */
  crissCross: number;
  crissCrossConflicted: number;
  /** Pairs with no merge base: git merge refuses them; Loom must call them conflicted, kind unknown. */
  unrelated: number;
  batchedMs: number;
  singleMs: number;
  checkedAgainstGit: number;
  kinds: Record<string, number>;
  differences: string[];
}

describe('field: real merges of public repositories, against git merge', function () {
  const tallies: Tally[] = [];
  if (REPOS.length === 0) {
    it.skip(`no repository mirror under ${MIRRORS}`, () => undefined);
    return;
  }

  after(() => {
    const rows = tallies.map(
      (t) =>
        `| ${t.repo} | ${t.pairs} | ${t.conflicted} | ${t.crissCross} / ${t.crissCrossConflicted} | ${t.unrelated} | ${(t.batchedMs / t.pairs).toFixed(1)} | ${(t.singleMs / t.pairs).toFixed(1)} | ${t.checkedAgainstGit} | ${Object.entries(t.kinds)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ')} | ${t.differences.length} |`,
    );
    console.log(['', '| repository | pairs | conflicted | several bases (all / conflicted) | no base | ms/pair batched | ms/pair single | checked vs git merge | kinds (files) | differences |', '|---|---|---|---|---|---|---|---|---|---|', ...rows].join('\n'));
  });

  for (const repo of REPOS) {
    it(`${repo}: every merge commit's parents, batched = single = git merge`, async () => {
      const { dir, cleanup } = await makeTempDir('loom-field-merges-');
      try {
        const clone = path.join(dir, 'c');
        gitSync(dir, ['clone', '-q', '--shared', '--no-checkout', path.join(MIRRORS, repo, 'repo'), clone]);
        // Listed from the mirror itself (every ref it has, pull requests included); the shared clone reaches the same objects.
        const merges = gitSync(path.join(MIRRORS, repo, 'repo'), ['rev-list', '--merges', '--parents', '--all'])
          .out.toString()
          .trim()
          .split('\n')
          .map((l) => l.split(' '))
          .filter((p) => p.length === 3);
        const pairs = merges.map(([, a, b]): [string, string] => [a, b]);
        let t0 = Date.now();
        const batched = await mergePairs(clone, pairs, { batch: true, fallback: false });
        const batchedMs = Date.now() - t0;
        t0 = Date.now();
        const single = await mergePairs(clone, pairs, { batch: false });
        const singleMs = Date.now() - t0;
        const tally: Tally = { repo, pairs: pairs.length, conflicted: 0, crissCross: 0, crissCrossConflicted: 0, unrelated: 0, batchedMs, singleMs, checkedAgainstGit: 0, kinds: {}, differences: [] };
        tallies.push(tally);
        pairs.forEach((_, k) => {
          if (JSON.stringify(batched[k]) !== JSON.stringify(single[k])) tally.differences.push(`${pairs[k].join(' ')}: batched and single differ`);
        });
        const baseCount = pairs.map(([a, b]) => gitSync(clone, ['merge-base', '--all', a, b], { ok: [0, 1] }).out.toString().trim().split('\n').filter(Boolean).length);
        tally.crissCross = baseCount.filter((n) => n > 1).length;
        tally.unrelated = baseCount.filter((n) => n === 0).length;
        for (const [k, n] of baseCount.entries()) {
          if (n > 0) continue;
          const r = single[k];
          if (r.clean || !/unrelated histories/.test(r.unknown ?? '')) tally.differences.push(`${pairs[k].join(' ')}: no merge base, yet Loom says ${JSON.stringify(r).slice(0, 200)}`);
        }
        const conflicted = pairs.map((_, k) => k).filter((k) => !single[k].clean && baseCount[k] > 0);
        tally.crissCrossConflicted = conflicted.filter((k) => baseCount[k] > 1).length;
        tally.conflicted = conflicted.length;
        for (const k of conflicted) for (const c of (single[k] as Extract<MergeTreeResult, { clean: false }>).conflicts) tally.kinds[c.kind] = (tally.kinds[c.kind] ?? 0) + 1;
        const clean = pairs.map((_, k) => k).filter((k) => single[k].clean);
        const step = Math.max(1, Math.floor(clean.length / CLEAN_SAMPLE));
        // Every conflicted pair with several merge bases, then conflicted ones, then a sample of clean ones (criss-cross first).
        const chosen = [
          ...new Set([
            ...conflicted.filter((k) => baseCount[k] > 1),
            ...conflicted.slice(0, REAL_PER_REPO),
            ...clean.filter((k) => baseCount[k] > 1).slice(0, 3),
            ...clean.filter((_, i) => i % step === 0).slice(0, Math.max(CLEAN_SAMPLE, REAL_PER_REPO - conflicted.length)),
          ]),
        ];
        for (const k of chosen) {
          const [ours, theirs] = pairs[k];
          const real = await realMerge(clone, ours, theirs);
          const r = single[k];
          const content = r.clean ? [] : await conflictContent(clone, ours, theirs, r.conflicts);
          for (const d of differencesFromGit(clone, r, real, content)) tally.differences.push(`${ours.slice(0, 10)} ${theirs.slice(0, 10)}: ${d}`);
          tally.checkedAgainstGit++;
        }
        assert.deepEqual(tally.differences, []);
      } finally {
        await cleanup();
      }
    });
  }
});
