import { GitCommandError, resolveCommit, runGit } from '../workspace/git';
import {
  MERGE_TREE_ARGS,
  MergeTreeError,
  ensureCommitGraph,
  isObjectId,
  mergeTree,
  parseMergeRecord,
  splitTokens,
  toResult,
  unknownConflict,
  type ConflictFile,
  type ConflictStage,
  type MergeTreeResult,
} from './mergeTree';

export interface BranchRef {
  taskId: string;
  /** A commit id or any revision naming the branch's head. */
  commit: string;
}

export interface PairConflict {
  taskIds: [string, string];
  files: ConflictFile[];
  /** The index stages git left (what `conflictContent`/`stageContent` read base, ours and theirs from). */
  stages: ConflictStage[];
  /** Set when git said the pair conflicts but its output could not be read (kind unknown): why. */
  unknown?: string;
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
  /**
   * When a batch cannot run at all, redo it one pair at a time (default true); false rethrows. A pair
   * whose result cannot be read, or at which git stops the batch, is always redone alone.
   */
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
    if (r.clean) return;
    conflicts.push({ taskIds: [resolved[i].taskId, resolved[j].taskId], files: r.conflicts, stages: r.stages, ...(r.unknown ? { unknown: r.unknown } : {}) });
  });
  return { pairsChecked: pairs.length, conflicts };
}

/**
 * Merges each [ours, theirs] pair of commit ids, batched when asked; results in input order. A pair
 * git cannot merge or whose output cannot be read is reported as a conflict of unknown kind
 * (`unknown` says why) and never fails the others.
 */
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
  for (const [a, b] of pairs) out.push(await mergeOne(repoDir, a, b));
  return out;
}

/** One pair in its own process; a failure is that pair's conflict of unknown kind. */
async function mergeOne(repoDir: string, a: string, b: string): Promise<MergeTreeResult> {
  try {
    return await mergeTree(repoDir, a, b);
  } catch (err) {
    if (err instanceof MergeTreeError || err instanceof GitCommandError) return unknownConflict(err.message);
    throw err;
  }
}

/**
 * `git merge-tree --stdin` for many pairs. Each result is `<status> NUL <record> NUL`; the status is
 * git's verdict for that merge, 1 clean and 0 conflicted (git 2.39, measured: the opposite of a single
 * call's exit code) — a pair with status 0 is conflicted even when its record lists no path, as a
 * lone directory-rename conflict does. git stops the whole batch at a pair it cannot merge
 * (unrelated histories, a missing commit); a record that cannot be read, or where git stopped, is
 * redone alone and the pairs after it go to a new batch.
 * The input must be full commit ids (a bad one would end the whole batch).
 */
async function mergeBatch(repoDir: string, pairs: readonly [string, string][]): Promise<MergeTreeResult[]> {
  for (const [a, b] of pairs) if (!isObjectId(a) || !isObjectId(b)) throw new Error('batch needs full commit ids');
  const results: MergeTreeResult[] = [];
  let rest = pairs;
  while (rest.length > 0) {
    const done = await readBatch(repoDir, rest);
    results.push(...done.results);
    if (done.results.length === rest.length) break;
    const [a, b] = rest[done.results.length];
    results.push(await mergeOne(repoDir, a, b));
    rest = rest.slice(done.results.length + 1);
  }
  return results;
}

/** The results of one batch process up to the first pair whose record cannot be trusted. */
async function readBatch(repoDir: string, pairs: readonly [string, string][]): Promise<BatchOutput> {
  const input = pairs.map(([a, b]) => `${a} ${b}\n`).join('');
  const r = await runGit(repoDir, [...MERGE_TREE_ARGS, '--stdin'], { input, okExitCodes: [0, 1, 128] });
  const out = parseBatchOutput(r.stdoutBuffer, pairs.length, r.exitCode === 0);
  return out.results.length < pairs.length && r.exitCode !== 0 ? { ...out, failure: `git stopped (exit ${r.exitCode}): ${r.stderr.trim()}` } : out;
}

export interface BatchOutput {
  /** One result per pair, in order, up to the first that cannot be trusted. */
  results: MergeTreeResult[];
  /** Why the results stop short ('' when there is one per pair). */
  failure: string;
}

/**
 * Reads `git merge-tree --stdin -z --messages` output: `(<status> NUL <record> NUL)*`, status 1
 * clean, 0 conflicted. A record is trusted only when the next one starts right after it (a status
 * and a tree id), or when it is the last and git ended well; reading stops at the first that is not.
 */
export function parseBatchOutput(stdout: Buffer, pairCount: number, endedWell: boolean): BatchOutput {
  const tokens = splitTokens(stdout);
  const results: MergeTreeResult[] = [];
  const isStart = (at: number) => (tokens[at] === '0' || tokens[at] === '1') && isObjectId(tokens[at + 1]);
  let i = 0;
  for (let k = 0; k < pairCount; k++) {
    if (!isStart(i)) return { results, failure: `no result where result ${k} should start (token ${i})` };
    let parsed: ReturnType<typeof parseMergeRecord>;
    try {
      parsed = parseMergeRecord(tokens, i + 1);
    } catch (err) {
      return { results, failure: err instanceof Error ? err.message : String(err) };
    }
    const atEnd = tokens.slice(parsed.next).every((t) => t === '');
    const trusted = k < pairCount - 1 ? isStart(parsed.next) : atEnd && endedWell;
    if (!trusted) return { results, failure: `result ${k} does not end where ${k < pairCount - 1 ? 'the next begins' : 'the output ends'}` };
    results.push(toResult(parsed.record, tokens[i] === '0'));
    i = parsed.next;
  }
  return { results, failure: '' };
}
