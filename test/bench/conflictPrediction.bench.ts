// Benchmark, not a test: what continuous conflict prediction costs per checkpoint.
// Eight task branches are in flight on a repository of 300 files; two of them edit the same
// function (a predicted conflict, so its lines are computed too). For each checkpoint, one branch
// gets a new commit (not timed) and then the watch's check runs: that branch against the seven
// others, in one batched merge-tree process (and, for the conflicting pair, a merge-base and two
// diffs); the heads come from the checkpoints and the journal, not from git. The baseline is one single `git merge-tree` of two branches, in the
// same process; it also prints seven separate merge-tree calls (the unbatched way) for comparison,
// and the same batch again once its merged trees are in the object store (what writing them costs).
// Run: npx tsx test/bench/conflictPrediction.bench.ts
import { join } from 'node:path';
import { ConflictWatch } from '../../extension/engine/run/conflictWatch';
import { mergeTree } from '../../extension/engine/merge/mergeTree';
import { mergePairs } from '../../extension/engine/merge/conflictCheck';
import type { EventBody } from '../../extension/protocol/events';
import { commitFiles, git, makeRepo, makeTempDir } from '../fixtures/gitRepo';
import { edit, THREE_FUNCTIONS } from '../fixtures/threeFunctions';

const RUN = 'bench';
const BRANCHES = 8;
const ROUNDS = 40;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timed(f: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await f();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function main(): Promise<void> {
  const files: Record<string, string> = { 'src/calc.js': THREE_FUNCTIONS };
  for (let i = 0; i < 300; i++) files[`src/mod${i}.js`] = Array.from({ length: 50 }, (_, l) => `export const v${l} = ${i * 100 + l};`).join('\n') + '\n';
  const repo = await makeRepo(files);
  const trees = await makeTempDir('loom-bench-wt-');
  try {
    const ids = Array.from({ length: BRANCHES }, (_, i) => `t${i}`);
    const worktrees = new Map<string, string>();
    for (const id of ids) {
      const wt = join(trees.dir, id);
      await git(repo.dir, 'worktree', 'add', '-q', '-b', `loom/${RUN}/${id}`, wt, 'HEAD');
      worktrees.set(id, wt);
    }
    // t0 and t1 both edit beta (a conflict); the others each edit their own module.
    const edits = new Map<string, number>();
    const checkpoint = async (id: string): Promise<string> => {
      const n = (edits.get(id) ?? 0) + 1;
      edits.set(id, n);
      const index = ids.indexOf(id);
      const change = index < 2 ? { 'src/calc.js': edit({ 8: `  const a = x - ${index * 1000 + n};` }) } : { [`src/mod${index}.js`]: `export const changed = ${n};\n` };
      return commitFiles(worktrees.get(id)!, change, `checkpoint ${n} of ${id}`);
    };
    const first = new Map<string, string>();
    for (const id of ids) first.set(id, await checkpoint(id));

    const events: EventBody[] = [];
    const watch = new ConflictWatch({ repo: repo.dir, runId: RUN, policy: 'off', journal: (e) => events.push(e), notify: () => false, state: () => ({ tasks: [], integrationCommit: null, predictions: [] }) });
    for (const id of ids) watch.track(id, first.get(id)!);
    const heads = async () => new Map(await Promise.all(ids.map(async (id) => [id, await git(repo.dir, 'rev-parse', `loom/${RUN}/${id}`)] as const)));

    // Warm-up: the commit graph, the page cache, the first predictions.
    watch.checkpoint('t0', first.get('t0')!);
    await watch.idle();
    await mergeTree(repo.dir, `loom/${RUN}/t0`, `loom/${RUN}/t2`);

    const single: number[] = [];
    const perCheckpoint: number[] = [];
    const unbatched: number[] = [];
    const batchOnly: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const id = ids[round % BRANCHES];
      const commit = await checkpoint(id);
      const h = await heads();
      const others = ids.filter((o) => o !== id);
      // Interleaved so that machine load falls on all three alike.
      single.push(await timed(() => mergeTree(repo.dir, h.get(id)!, h.get(others[0])!)));
      perCheckpoint.push(
        await timed(async () => {
          watch.checkpoint(id, commit);
          await watch.idle();
        }),
      );
      // The same pairs again, one merge-tree process each (the watch skips pairs it has merged at these commits, so this is not a repeat of its work).
      unbatched.push(await timed(async () => Promise.all(others.map((o) => mergeTree(repo.dir, h.get(id)!, h.get(o)!)))));
      batchOnly.push(await timed(() => mergePairs(repo.dir, others.map((o) => [h.get(id)!, h.get(o)!]))));
    }
    const predicted = events.filter((e) => e.type === 'conflict/didPredict').length;
    const s = median(single);
    const c = median(perCheckpoint);
    const u = median(unbatched);
    const b = median(batchOnly);
    console.log(`${BRANCHES} branches in flight, 300 files, ${ROUNDS} checkpoints (medians); ${predicted} prediction(s) journaled, ${watch.checksRun} checks run`);
    console.log(`one merge-tree call (baseline)                 ${s.toFixed(1)} ms`);
    console.log(`continuous check per checkpoint (7 pairs)      ${c.toFixed(1)} ms   ratio ${(c / s).toFixed(2)}x`);
    console.log(`the same 7 pairs again, one merge-tree --stdin  ${b.toFixed(1)} ms   ratio ${(b / s).toFixed(2)}x   (their trees already written)`);
    console.log(`7 separate merge-tree calls, in parallel       ${u.toFixed(1)} ms   ratio ${(u / s).toFixed(2)}x`);
  } finally {
    await repo.cleanup();
    await trees.cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
