import { diffArrays } from 'diff';

export interface MappedLine {
  /** 1-based line in the target text. */
  line: number;
  /** False when the line itself changed: `line` is then the nearest line both texts share. */
  exact: boolean;
}

/**
 * Where a line of `from` (a file on the task branch) is in `to` (the same file in the user's
 * checkout), by content: lines both texts share map through the diff's hunks; a line that changed
 * maps to the nearest shared line (ties go to the one above).
 */
export function mapLine(from: string, to: string, line: number): MappedLine {
  const a = lines(from);
  const b = lines(to);
  const target = Math.min(Math.max(1, line), Math.max(1, a.length)) - 1;
  // For every line of `from`, its line in `to` when unchanged, else -1.
  const shared: number[] = new Array<number>(a.length).fill(-1);
  let i = 0;
  let j = 0;
  for (const part of diffArrays(a, b)) {
    const n = part.value.length;
    if (part.added) j += n;
    else if (part.removed) i += n;
    else {
      for (let k = 0; k < n; k++) shared[i + k] = j + k;
      i += n;
      j += n;
    }
  }
  if (shared[target] >= 0) return { line: shared[target] + 1, exact: true };
  for (let d = 1; d < a.length; d++) {
    const above = target - d;
    const below = target + d;
    if (above >= 0 && shared[above] >= 0) return { line: shared[above] + 1, exact: false };
    if (below < a.length && shared[below] >= 0) return { line: shared[below] + 1, exact: false };
  }
  // Nothing in common: the same line number, kept inside the target.
  return { line: Math.min(target + 1, Math.max(1, b.length)), exact: false };
}

function lines(text: string): string[] {
  const all = text.split(/\r?\n/);
  // A final newline ends the last line; it does not start another.
  if (all.length > 1 && all[all.length - 1] === '') all.pop();
  return all;
}
