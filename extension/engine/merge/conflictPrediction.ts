import { parsePatch } from 'diff';
import { runGit } from '../workspace/git';
import { mergePairs } from './conflictCheck';

/** Lines of the merge base, 1-based and inclusive. */
export interface LineRange {
  start: number;
  end: number;
}

/** One file a predicted conflict is in: its kind as git names it, and the merge-base lines both sides change. */
export interface PredictedFile {
  path: string;
  kind: string;
  hunks: LineRange[];
}

export interface PredictionPair {
  /** Full commit ids: batched merge-tree needs them. */
  ours: string;
  theirs: string;
}

/** A pair's prediction: clean, or the files (and lines) that would conflict. */
export type PairPrediction = { clean: true } | { clean: false; files: PredictedFile[] };

/**
 * Predicts, for each pair of commits, whether merging them would conflict: every pair merged in
 * memory by one batched `git merge-tree --stdin` (no worktree, index or ref is touched); for a
 * conflicted pair, the lines of each conflicted file both sides change, from the two diffs against
 * the pair's merge base. Results in input order.
 */
export async function predictConflicts(repoDir: string, pairs: readonly PredictionPair[]): Promise<PairPrediction[]> {
  if (pairs.length === 0) return [];
  const merged = await mergePairs(
    repoDir,
    pairs.map((p) => [p.ours, p.theirs]),
    { batch: true },
  );
  return Promise.all(
    merged.map(async (result, k): Promise<PairPrediction> => {
      if (result.clean) return { clean: true };
      const files = await overlappingHunks(repoDir, pairs[k].ours, pairs[k].theirs, result.conflicts);
      return { clean: false, files };
    }),
  );
}

/** The merge-base lines both sides change, per conflicted file; files of other kinds than contents get no lines. */
async function overlappingHunks(repoDir: string, ours: string, theirs: string, conflicts: readonly { path: string; kind: string }[]): Promise<PredictedFile[]> {
  const base = await mergeBase(repoDir, ours, theirs);
  return Promise.all(
    conflicts.map(async (file): Promise<PredictedFile> => {
      if (base === null || file.kind !== 'contents') return { path: file.path, kind: file.kind, hunks: [] };
      const [a, b] = await Promise.all([changedBaseRanges(repoDir, base, ours, file.path), changedBaseRanges(repoDir, base, theirs, file.path)]);
      return { path: file.path, kind: file.kind, hunks: bothChange(a, b) };
    }),
  );
}

async function mergeBase(repoDir: string, a: string, b: string): Promise<string | null> {
  const r = await runGit(repoDir, ['merge-base', a, b], { okExitCodes: [0, 1] });
  return r.exitCode === 0 ? r.stdout.trim() || null : null;
}

/** A hunk of `git diff -U0` in merge-base coordinates: [start, end) with end = start + count. */
export interface BaseHunk {
  /** First changed base line (1-based); for a pure insertion, the line the insertion comes before. */
  from: number;
  /** Number of base lines changed (0: a pure insertion). */
  count: number;
}

async function changedBaseRanges(repoDir: string, base: string, head: string, path: string): Promise<BaseHunk[]> {
  const r = await runGit(repoDir, ['diff', '-U0', '--no-color', '--no-ext-diff', '--no-renames', '--no-textconv', base, head, '--', path]);
  return parseHunkHeaders(r.stdout);
}

/**
 * The base side of every hunk of a unified diff of one file (parsed by jsdiff). A hunk that changes
 * no base line (`@@ -s,0 …`: a pure insertion after line s) comes back as `{ from: s + 1, count: 0 }`.
 */
export function parseHunkHeaders(diff: string): BaseHunk[] {
  if (!diff.includes('@@')) return [];
  // jsdiff already moves a 0-line hunk's oldStart to the line after the insertion point.
  return parsePatch(diff).flatMap((file) => file.hunks.map((h) => ({ from: h.oldLines === 0 ? Math.max(1, h.oldStart) : h.oldStart, count: h.oldLines })));
}

/**
 * The base lines two sides' changes share. Git's merge conflicts when two changed regions overlap
 * or touch ([a, a+n) and [b, b+m) with a+n >= b and b+m >= a), so touching regions count too: for
 * those (and for insertions, which change no base line) the lines around both are reported.
 * Overlapping results are merged; sorted by line.
 */
export function bothChange(ours: readonly BaseHunk[], theirs: readonly BaseHunk[]): LineRange[] {
  const found: LineRange[] = [];
  for (const a of ours) {
    for (const b of theirs) {
      const aEnd = a.from + a.count;
      const bEnd = b.from + b.count;
      if (aEnd < b.from || bEnd < a.from) continue;
      const start = Math.max(a.from, b.from);
      const end = Math.min(aEnd, bEnd) - 1;
      if (end >= start) found.push({ start, end });
      else {
        // Touching or inserting: the span of both, at least one line.
        const s = Math.max(1, Math.min(a.from, b.from));
        found.push({ start: s, end: Math.max(s, Math.max(aEnd, bEnd) - 1) });
      }
    }
  }
  found.sort((x, y) => x.start - y.start || x.end - y.end);
  const merged: LineRange[] = [];
  for (const r of found) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end + 1) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return merged;
}

/** `src/a.ts lines 3-7, 12` for a notice or a log line. */
export function describeFiles(files: readonly PredictedFile[]): string {
  return files
    .map((f) => {
      const lines = f.hunks.map((h) => (h.start === h.end ? `${h.start}` : `${h.start}-${h.end}`)).join(', ');
      const kind = f.kind === 'contents' ? '' : ` (${f.kind})`;
      return lines ? `${f.path} lines ${lines}${kind}` : `${f.path}${kind}`;
    })
    .join('; ');
}
