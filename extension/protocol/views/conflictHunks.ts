import { diffArrays } from 'diff';

/**
 * The hunks of a conflicted file (an escalation's base, ours, theirs and what a merge agent
 * produced), for a card that opens at the first conflicting hunk and shows a few lines of context
 * instead of whole files. Line diffs are jsdiff's (Myers: time grows with the square of the edit
 * length); a pair more than MAX_EDIT_LINES apart counts as one change between their common prefix and suffix, so files of
 * thousands of lines stay fast whatever their sides look like.
 */

export type SideName = 'base' | 'ours' | 'theirs' | 'merged';

/**
 * context: unchanged; changed: one side changed it; conflict: a line of ours or theirs inside a
 * region both sides change; overlap: a base line both sides change.
 */
export type LineMark = 'context' | 'changed' | 'conflict' | 'overlap';

export interface HunkLine {
  /** 1-based line number in its side. */
  n: number;
  text: string;
  mark: LineMark;
}

export interface HunkSide {
  /** The side's first line in the hunk (1-based); where its lines would be when it has none here. */
  start: number;
  lines: HunkLine[];
}

export interface ConflictHunk {
  /** The reference's lines it spans (1-based, inclusive; end < start for a pure insertion). */
  start: number;
  end: number;
  /** Both sides change something here (or one side deleted or both added the file). */
  conflict: boolean;
  /** Each side's lines; null where the side has no file. `merged` only when a merge agent tried. */
  sides: { base: HunkSide | null; ours: HunkSide | null; theirs: HunkSide | null; merged?: HunkSide | null };
}

export type ConflictFileView =
  | { kind: 'binary' }
  | {
      kind: 'text';
      /** What hunk line ranges count in: the merge base, or ours when the file has no base (both added it). */
      reference: 'base' | 'ours';
      hunks: ConflictHunk[];
      /** The hunk to open at: the first conflicting one (0 when none conflicts). */
      firstHunk: number;
      conflicts: number;
      /** Line counts per side; null where the side has no file. */
      lineCounts: Record<SideName, number | null>;
    };

export interface ConflictFileInput {
  kind: string;
  base: string | null;
  ours: string | null;
  theirs: string | null;
  merged?: string | null;
}

export const CONTEXT_LINES = 3;
/** Past this edit length (lines removed plus added) a diff gives up and counts one change: tens of milliseconds at most. */
export const MAX_EDIT_LINES = 300;

/** A change from the reference to a side: reference lines [b0, b1) became side lines [s0, s1). 0-based. */
interface Edit {
  b0: number;
  b1: number;
  s0: number;
  s1: number;
}

interface Region {
  b0: number;
  b1: number;
  conflict: boolean;
}

const CHANGED = 1;
const CONFLICT = 2;
const OVERLAP = 3;
const MARKS: LineMark[] = ['context', 'changed', 'conflict', 'overlap'];

/** Lines of a text: a final newline ends the last line rather than starting an empty one; CRLF counts as LF. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) if (lines[i].endsWith('\r')) lines[i] = lines[i].slice(0, -1);
  return lines;
}

/** Binary as the escalation carries it: git says so, a side has a NUL, or a side of a contents conflict could not be read as text. */
export function isBinaryConflict(file: ConflictFileInput): boolean {
  if (/binary/i.test(file.kind)) return true;
  if ([file.base, file.ours, file.theirs, file.merged].some((t) => typeof t === 'string' && t.includes('\u0000'))) return true;
  return file.kind === 'contents' && (file.ours === null || file.theirs === null);
}

/** The changes from `ref` to `side`, in order. */
export function editsBetween(ref: readonly string[], side: readonly string[]): Edit[] {
  let prefix = 0;
  const common = Math.min(ref.length, side.length);
  while (prefix < common && ref[prefix] === side[prefix]) prefix++;
  let suffix = 0;
  while (suffix < common - prefix && ref[ref.length - 1 - suffix] === side[side.length - 1 - suffix]) suffix++;
  const refMid = ref.slice(prefix, ref.length - suffix);
  const sideMid = side.slice(prefix, side.length - suffix);
  if (refMid.length === 0 && sideMid.length === 0) return [];
  const whole = [{ b0: prefix, b1: prefix + refMid.length, s0: prefix, s1: prefix + sideMid.length }];
  if (refMid.length === 0 || sideMid.length === 0) return whole;
  const changes = diffArrays(refMid, sideMid, { maxEditLength: MAX_EDIT_LINES });
  if (!changes) return whole;
  const edits: Edit[] = [];
  let b = prefix;
  let s = prefix;
  let current: Edit | null = null;
  for (const change of changes) {
    const count = change.count;
    if (!change.added && !change.removed) {
      if (current) edits.push(current);
      current = null;
      b += count;
      s += count;
      continue;
    }
    current ??= { b0: b, b1: b, s0: s, s1: s };
    if (change.removed) current.b1 = b += count;
    else current.s1 = s += count;
  }
  if (current) edits.push(current);
  return edits;
}

/** Where reference position p (not strictly inside an edit) falls in the side, as the start of a range. */
function mapStart(edits: readonly Edit[], p: number): number {
  let delta = 0;
  for (const e of edits) {
    if (e.b0 >= p) break;
    delta += e.s1 - e.s0 - (e.b1 - e.b0);
  }
  return p + delta;
}

/** Where reference position q falls in the side, as the (exclusive) end of a range: insertions at q count. */
function mapEnd(edits: readonly Edit[], q: number): number {
  let delta = 0;
  for (const e of edits) {
    if (e.b0 > q) break;
    delta += e.s1 - e.s0 - (e.b1 - e.b0);
  }
  return q + delta;
}

/** Reference ranges touched by edits, merged where they overlap or touch (git conflicts on adjacent changes too). */
function unite(ranges: { b0: number; b1: number }[], pad: number, limit: number): { b0: number; b1: number }[] {
  const sorted = ranges.map((r) => ({ b0: Math.max(0, r.b0 - pad), b1: Math.min(limit, r.b1 + pad) })).sort((a, b) => a.b0 - b.b0 || a.b1 - b.b1);
  const out: { b0: number; b1: number }[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.b0 <= last.b1) last.b1 = Math.max(last.b1, r.b1);
    else out.push({ ...r });
  }
  return out;
}

function inAny(edits: readonly Edit[], lo: number, hi: number): boolean {
  return edits.some((e) => e.b0 < hi && lo < e.b1) || edits.some((e) => e.b0 === e.b1 && lo <= e.b0 && e.b0 <= hi);
}

function sameText(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((line, i) => line === b[i]);
}

/**
 * The hunks of one conflicted file. Line ranges count in the merge base; a file with no base (both
 * sides added it) counts in ours, and every difference between ours and theirs conflicts; a side
 * that deleted the file makes every change of the other side conflict.
 */
export function conflictHunks(file: ConflictFileInput, context = CONTEXT_LINES): ConflictFileView {
  if (isBinaryConflict(file)) return { kind: 'binary' };
  const text = { base: file.base, ours: file.ours, theirs: file.theirs, merged: file.merged ?? null };
  const lines: Record<SideName, string[] | null> = {
    base: text.base === null ? null : splitLines(text.base),
    ours: text.ours === null ? null : splitLines(text.ours),
    theirs: text.theirs === null ? null : splitLines(text.theirs),
    merged: text.merged === null ? null : splitLines(text.merged),
  };
  const lineCounts = {
    base: lines.base?.length ?? null,
    ours: lines.ours?.length ?? null,
    theirs: lines.theirs?.length ?? null,
    merged: lines.merged?.length ?? null,
  };
  const reference: 'base' | 'ours' = lines.base === null && lines.ours !== null ? 'ours' : 'base';
  const ref = (reference === 'ours' ? lines.ours : lines.base) ?? [];
  // A side without a file takes no part in the diff: its absence is the conflict.
  const allConflict = lines.base === null || lines.ours === null || lines.theirs === null;
  const present = (side: 'ours' | 'theirs' | 'merged') => lines[side] !== null && (side !== 'merged' || file.merged !== undefined);
  const edits: Record<'ours' | 'theirs' | 'merged', Edit[]> = {
    ours: present('ours') ? editsBetween(ref, lines.ours!) : [],
    theirs: present('theirs') ? editsBetween(ref, lines.theirs!) : [],
    merged: present('merged') ? editsBetween(ref, lines.merged!) : [],
  };

  // Regions where ours and theirs change the reference, merged where they touch.
  const regions: Region[] = unite([...edits.ours, ...edits.theirs], 0, ref.length).map((r) => {
    const oursIn = inAny(edits.ours, r.b0, r.b1);
    const theirsIn = inAny(edits.theirs, r.b0, r.b1);
    let conflict = allConflict;
    if (!conflict && oursIn && theirsIn) {
      const o = lines.ours!.slice(mapStart(edits.ours, r.b0), mapEnd(edits.ours, r.b1));
      const t = lines.theirs!.slice(mapStart(edits.theirs, r.b0), mapEnd(edits.theirs, r.b1));
      conflict = !sameText(o, t);
    }
    return { ...r, conflict };
  });

  // Per-line marks of each side, computed once over whole files (linear), read by every hunk.
  const marks: Record<SideName, Uint8Array | null> = { base: null, ours: null, theirs: null, merged: null };
  if (lines.base !== null && reference === 'base') {
    // Bit 1: ours changes the line, bit 2: theirs does; both is the overlap.
    const m = new Uint8Array(lines.base.length);
    for (const e of edits.ours) for (let i = e.b0; i < e.b1; i++) m[i] |= 1;
    for (const e of edits.theirs) for (let i = e.b0; i < e.b1; i++) m[i] |= 2;
    for (let i = 0; i < m.length; i++) m[i] = m[i] === 3 ? OVERLAP : m[i] ? CHANGED : 0;
    if (allConflict) for (const r of regions) for (let i = r.b0; i < r.b1; i++) if (m[i]) m[i] = OVERLAP;
    marks.base = m;
  }
  for (const side of ['ours', 'theirs', 'merged'] as const) {
    const own = lines[side];
    if (own === null || !present(side)) continue;
    const m = new Uint8Array(own.length);
    for (const e of edits[side]) m.fill(CHANGED, e.s0, e.s1);
    if (side !== 'merged') {
      for (const r of regions) if (r.conflict) m.fill(CONFLICT, mapStart(edits[side], r.b0), mapEnd(edits[side], r.b1));
    }
    marks[side] = m;
  }

  const ranges = [...regions, ...edits.merged];
  const hunks: ConflictHunk[] = unite(ranges, context, ref.length).map((h) => {
    const sideOf = (side: SideName): HunkSide | null => {
      const own = lines[side];
      const m = marks[side];
      if (own === null) return null;
      const list = side === 'base' ? [] : edits[side];
      const s0 = side === 'base' ? h.b0 : mapStart(list, h.b0);
      const s1 = side === 'base' ? h.b1 : mapEnd(list, h.b1);
      const out: HunkLine[] = [];
      for (let i = s0; i < s1; i++) out.push({ n: i + 1, text: own[i], mark: MARKS[m ? m[i] : 0] });
      return { start: s0 + 1, lines: out };
    };
    const sides: ConflictHunk['sides'] = {
      base: reference === 'base' ? sideOf('base') : null,
      ours: sideOf('ours'),
      theirs: sideOf('theirs'),
    };
    if (file.merged !== undefined) sides.merged = sideOf('merged');
    return { start: h.b0 + 1, end: h.b1, conflict: regions.some((r) => r.conflict && h.b0 <= r.b0 && r.b1 <= h.b1), sides };
  });
  const firstConflict = hunks.findIndex((h) => h.conflict);
  return { kind: 'text', reference, hunks, firstHunk: Math.max(0, firstConflict), conflicts: hunks.filter((h) => h.conflict).length, lineCounts };
}
