import { resolveCommit, runGit } from '../workspace/git';
import { MERGE_TREE_ARGS, ensureCommitGraph, mergeTree, parseMergeRecord, toResult, type ConflictFile, type MergeTreeResult } from './mergeTree';

export interface BranchRef {
  taskId: string;
  /** A commit id or any revision naming the branch's head. */
  commit: string;
}

export interface PairConflict {
  taskIds: [string, string];
  files: ConflictFile[];
}

export interface PairCheckResult {
  /** Number of pairs merged in memory. */
  pairsChecked: number;
  conflicts: PairConflict[];
}

export interface CheckPairsOptions {
  /** Merge the pairs in one `git merge-tree --stdin` process per chunk (default true); falls back to one call per pair. */
  batch?: boolean;
  /** Pairs per batch process. Default 200. */
  chunkSize?: number;
  /** When a batch fails, redo it one pair at a time (default true); false rethrows. */
  fallback?: boolean;
}

/**
 * Merges every pair of finished branches in memory (`git merge-tree --write-tree`; no worktree, index
 * or ref is touched) and reports the pairs that conflict, with each conflicted file and its kind.
 * Pairs are reported in input order (a before b when a comes first).
 */
export async function checkPairs(repoDir: string, branches: readonly BranchRef[], options: CheckPairsOptions = {}): Promise<PairCheckResult> {
  const resolved = await Promise.all(branches.map(async (b) => ({ taskId: b.taskId, commit: await resolveCommit(repoDir, b.commit) })));
  const pairs: [number, number][] = [];
  for (let i = 0; i < resolved.length; i++) for (let j = i + 1; j < resolved.length; j++) pairs.push([i, j]);

  const results = await mergePairs(
    repoDir,
    pairs.map(([i, j]) => [resolved[i].commit, resolved[j].commit]),
    options,
  );
  const conflicts: PairConflict[] = [];
  pairs.forEach(([i, j], k) => {
    const r = results[k];
    if (!r.clean) conflicts.push({ taskIds: [resolved[i].taskId, resolved[j].taskId], files: r.conflicts });
  });
  return { pairsChecked: pairs.length, conflicts };
}

/** Merges each [ours, theirs] pair of commit ids, batched when asked; results in input order. */
export async function mergePairs(repoDir: string, pairs: readonly [string, string][], options: CheckPairsOptions = {}): Promise<MergeTreeResult[]> {
  if (pairs.length === 0) return [];
  await ensureCommitGraph(repoDir);
  if (options.batch !== false) {
    try {
      const size = Math.max(1, options.chunkSize ?? 200);
      const out: MergeTreeResult[] = [];
      for (let k = 0; k < pairs.length; k += size) out.push(...(await mergeBatch(repoDir, pairs.slice(k, k + size))));
      return out;
    } catch (err) {
      if (options.fallback === false) throw err;
      // Fall through to one process per pair: slower, and each failure names its own pair.
    }
  }
  const out: MergeTreeResult[] = [];
  for (const [a, b] of pairs) out.push(await mergeTree(repoDir, a, b));
  return out;
}

/**
 * One `git merge-tree --stdin` process for many pairs. Each result is `<status> NUL <record>`. In
 * git 2.39 the status is 0 for conflicted and 1 for clean — the opposite of a single call's exit
 * code — so it is not trusted: a result is conflicted when its record lists a conflicted path or a
 * CONFLICT message. The input must be full commit ids (a bad one would end the whole batch).
 */
async function mergeBatch(repoDir: string, pairs: readonly [string, string][]): Promise<MergeTreeResult[]> {
  for (const [a, b] of pairs) if (!/^[0-9a-f]{40,64}$/.test(a) || !/^[0-9a-f]{40,64}$/.test(b)) throw new Error('batch needs full commit ids');
  const input = pairs.map(([a, b]) => `${a} ${b}\n`).join('');
  const r = await runGit(repoDir, [...MERGE_TREE_ARGS, '--stdin'], { input });
  const tokens = r.stdout.split('\0');
  const results: MergeTreeResult[] = [];
  let i = 0;
  for (let k = 0; k < pairs.length; k++) {
    const status = tokens[i++];
    if (status !== '0' && status !== '1') throw new Error(`merge-tree --stdin: unexpected status ${JSON.stringify(status)} for pair ${k}`);
    const { record, next } = parseMergeRecord(tokens, i);
    i = next;
    results.push(toResult(record, false));
  }
  return results;
}
