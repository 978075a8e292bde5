import assert from 'node:assert/strict';
import { conflictHunks, CONTEXT_LINES, editsBetween, isBinaryConflict, splitLines, type ConflictFileView, type HunkSide, type LineMark } from '../../../../extension/protocol/views/conflictHunks';

/** A file of n numbered lines, with some lines replaced (1-based), as text with a final newline. */
function file(n: number, replace: Record<number, string | string[]> = {}): string {
  const out: string[] = [];
  for (let i = 1; i <= n; i++) {
    const r = replace[i];
    if (r === undefined) out.push(`line ${i}`);
    else out.push(...(Array.isArray(r) ? r : [r]));
  }
  return `${out.join('\n')}\n`;
}

/** The text of a side's lines with one mark. */
function marked(side: HunkSide | null | undefined, mark: LineMark): string[] {
  assert.ok(side);
  return side.lines.filter((l) => l.mark === mark).map((l) => l.text);
}

function text(view: ConflictFileView): Extract<ConflictFileView, { kind: 'text' }> {
  assert.equal(view.kind, 'text');
  return view as Extract<ConflictFileView, { kind: 'text' }>;
}

describe('protocol/views/conflictHunks', () => {
  it('splits lines: a final newline ends the last line, CRLF counts as LF, empty text has none', () => {
    assert.deepEqual(splitLines('a\nb\n'), ['a', 'b']);
    assert.deepEqual(splitLines('a\r\nb'), ['a', 'b']);
    assert.deepEqual(splitLines(''), []);
    assert.deepEqual(splitLines('\n'), ['']);
  });

  it('opens at the first conflicting hunk, after a change only one side made', () => {
    const base = file(60);
    const ours = file(60, { 5: 'line 5 (ours only)', 30: 'line 30 ours' });
    const theirs = file(60, { 30: 'line 30 theirs' });
    const view = text(conflictHunks({ kind: 'contents', base, ours, theirs }));
    assert.equal(view.hunks.length, 2);
    assert.equal(view.hunks[0].conflict, false);
    assert.equal(view.hunks[1].conflict, true);
    assert.equal(view.firstHunk, 1);
    assert.equal(view.conflicts, 1);
    assert.equal(view.reference, 'base');
    assert.deepEqual(view.lineCounts, { base: 60, ours: 60, theirs: 60, merged: null });
  });

  it('shows a few lines of context around a change, not the whole file', () => {
    const base = file(200);
    const view = text(conflictHunks({ kind: 'contents', base, ours: file(200, { 100: 'ours' }), theirs: file(200, { 100: 'theirs' }) }));
    assert.equal(view.hunks.length, 1);
    const [h] = view.hunks;
    assert.equal(h.start, 100 - CONTEXT_LINES);
    assert.equal(h.end, 100 + CONTEXT_LINES);
    for (const side of ['base', 'ours', 'theirs'] as const) {
      const lines = h.sides[side]!.lines;
      assert.equal(lines.length, 2 * CONTEXT_LINES + 1, side);
      assert.deepEqual(
        lines.map((l) => l.n),
        [97, 98, 99, 100, 101, 102, 103],
      );
      assert.deepEqual(
        lines.filter((l) => l.mark === 'context').map((l) => l.text),
        ['line 97', 'line 98', 'line 99', 'line 101', 'line 102', 'line 103'],
      );
    }
    // At the file's edges the context is cut, not padded.
    const edge = text(conflictHunks({ kind: 'contents', base: file(10), ours: file(10, { 1: 'a' }), theirs: file(10, { 1: 'b' }) }, 2));
    assert.deepEqual([edge.hunks[0].start, edge.hunks[0].end], [1, 3]);
  });

  it('marks the overlap: base lines both sides change, and each side\'s lines there as conflict', () => {
    const base = file(20);
    const ours = file(20, { 8: 'eight ours', 9: 'nine ours' });
    const theirs = file(20, { 9: ['nine theirs', 'extra theirs'], 10: 'ten theirs' });
    const [h] = text(conflictHunks({ kind: 'contents', base, ours, theirs })).hunks;
    assert.equal(h.conflict, true);
    const marks = (side: 'base' | 'ours' | 'theirs') => Object.fromEntries(h.sides[side]!.lines.filter((l) => l.mark !== 'context').map((l) => [l.text, l.mark]));
    // Line 9 is changed by both; 8 and 10 by one side each.
    assert.deepEqual(marks('base'), { 'line 8': 'changed', 'line 9': 'overlap', 'line 10': 'changed' });
    assert.deepEqual(marks('ours'), { 'eight ours': 'conflict', 'nine ours': 'conflict', 'line 10': 'conflict' });
    assert.deepEqual(marks('theirs'), { 'line 8': 'conflict', 'nine theirs': 'conflict', 'extra theirs': 'conflict', 'ten theirs': 'conflict' });
    // Each side keeps its own line numbers: theirs has one line more after the conflict.
    assert.equal(h.sides.theirs!.lines.at(-1)!.n, h.sides.ours!.lines.at(-1)!.n + 1);
  });

  it('a change one side made is changed, not a conflict; the same change on both sides is no conflict', () => {
    const base = file(30);
    const view = text(conflictHunks({ kind: 'contents', base, ours: file(30, { 4: 'same', 20: 'only ours' }), theirs: file(30, { 4: 'same' }) }));
    assert.deepEqual(
      view.hunks.map((h) => h.conflict),
      [false, false],
    );
    assert.equal(view.firstHunk, 0);
    const second = view.hunks[1];
    assert.deepEqual(marked(second.sides.ours, 'changed'), ['only ours']);
    assert.deepEqual(marked(second.sides.ours, 'conflict'), []);
    assert.ok(second.sides.theirs!.lines.every((l) => l.mark === 'context'));
  });

  it('changes on adjacent lines conflict, as git merges them; hunks whose context touches join', () => {
    const adjacent = text(conflictHunks({ kind: 'contents', base: file(20), ours: file(20, { 5: 'x' }), theirs: file(20, { 6: 'y' }) }));
    assert.equal(adjacent.hunks.length, 1);
    assert.equal(adjacent.hunks[0].conflict, true);
    const near = text(conflictHunks({ kind: 'contents', base: file(40), ours: file(40, { 5: 'x', 11: 'z' }), theirs: file(40, { 5: 'y' }) }));
    assert.equal(near.hunks.length, 1, 'context of 3 around lines 5 and 11 touches');
    const far = text(conflictHunks({ kind: 'contents', base: file(40), ours: file(40, { 5: 'x', 13: 'z' }), theirs: file(40, { 5: 'y' }) }));
    assert.equal(far.hunks.length, 2);
  });

  it('a side that deleted the file: its column is null, and every change of the other side conflicts', () => {
    const base = file(50);
    const view = text(conflictHunks({ kind: 'modify/delete', base, ours: null, theirs: file(50, { 25: 'theirs edit' }) }));
    assert.equal(view.hunks.length, 1);
    const [h] = view.hunks;
    assert.equal(h.conflict, true);
    assert.equal(h.sides.ours, null);
    assert.equal(view.lineCounts.ours, null);
    assert.deepEqual(marked(h.sides.theirs, 'conflict'), ['theirs edit']);
    assert.deepEqual(marked(h.sides.base, 'overlap'), ['line 25']);
  });

  it('no merge base (both added the file): lines count in ours, and every difference conflicts', () => {
    const ours = file(30);
    const theirs = file(30, { 12: 'theirs twelve' });
    const view = text(conflictHunks({ kind: 'add/add', base: null, ours, theirs }));
    assert.equal(view.reference, 'ours');
    assert.equal(view.hunks.length, 1);
    const [h] = view.hunks;
    assert.equal(h.sides.base, null);
    assert.equal(h.conflict, true);
    assert.deepEqual(marked(h.sides.ours, 'conflict'), ['line 12']);
    assert.deepEqual(marked(h.sides.theirs, 'conflict'), ['theirs twelve']);
  });

  it('binary: git says so, a side holds NUL, or a side of a contents conflict is not text', () => {
    assert.equal(conflictHunks({ kind: 'binary', base: null, ours: null, theirs: null }).kind, 'binary');
    assert.equal(conflictHunks({ kind: 'contents', base: 'a', ours: 'b\u0000', theirs: 'c' }).kind, 'binary');
    assert.equal(conflictHunks({ kind: 'contents', base: 'a', ours: null, theirs: 'c' }).kind, 'binary');
    assert.equal(isBinaryConflict({ kind: 'modify/delete', base: 'a', ours: null, theirs: 'c' }), false);
  });

  it('what the merge agent produced is a fourth side of each hunk; its changes are marked, a deletion is null', () => {
    const base = file(40);
    const ours = file(40, { 10: 'ours' });
    const theirs = file(40, { 10: 'theirs' });
    const merged = file(40, { 10: ['ours', 'theirs'], 30: 'agent also touched this' });
    const view = text(conflictHunks({ kind: 'contents', base, ours, theirs, merged }));
    assert.equal(view.hunks.length, 2, 'a change only the merge agent made is a hunk too');
    assert.deepEqual(marked(view.hunks[0].sides.merged, 'changed'), ['ours', 'theirs']);
    assert.equal(view.hunks[1].conflict, false);
    assert.equal(view.firstHunk, 0);
    const deleted = text(conflictHunks({ kind: 'contents', base, ours, theirs, merged: null }));
    assert.equal(deleted.hunks[0].sides.merged, null);
    const none = text(conflictHunks({ kind: 'contents', base, ours, theirs }));
    assert.equal('merged' in none.hunks[0].sides, false);
  });

  it('no differing line (a rename or mode conflict): no hunks', () => {
    const view = text(conflictHunks({ kind: 'rename/rename', base: file(5), ours: file(5), theirs: file(5) }));
    assert.deepEqual(view.hunks, []);
    assert.equal(view.firstHunk, 0);
  });

  it('edits: a pure insertion, a deletion and a replacement, in reference order', () => {
    assert.deepEqual(editsBetween(['a', 'b', 'c'], ['a', 'x', 'b', 'c']), [{ b0: 1, b1: 1, s0: 1, s1: 2 }]);
    assert.deepEqual(editsBetween(['a', 'b', 'c'], ['a', 'c']), [{ b0: 1, b1: 2, s0: 1, s1: 1 }]);
    assert.deepEqual(editsBetween(['a', 'b', 'c', 'd'], ['z', 'b', 'c', 'y']), [
      { b0: 0, b1: 1, s0: 0, s1: 1 },
      { b0: 3, b1: 4, s0: 3, s1: 4 },
    ]);
  });

  it('stays fast on files of thousands of lines, and on sides too different to diff', function () {
    const n = 20_000;
    const big = Array.from({ length: n }, (_, i) => `const value${i} = ${i} * factor;`);
    const ours = [...big];
    ours[9_000] = 'const value9000 = "ours";';
    ours.splice(15_000, 0, '// an insertion of ours');
    const theirs = [...big];
    theirs[9_000] = 'const value9000 = "theirs";';
    theirs[100] = '// theirs, far away';
    let started = Date.now();
    const view = text(conflictHunks({ kind: 'contents', base: big.join('\n'), ours: ours.join('\n'), theirs: theirs.join('\n'), merged: ours.join('\n') }));
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 1500, `${elapsed} ms for ${n} lines`);
    assert.deepEqual(
      view.hunks.map((h) => [h.start, h.conflict]),
      [
        [98, false],
        [8998, true],
        [14998, false],
      ],
    );
    assert.equal(view.firstHunk, 1);
    assert.ok(view.hunks.every((h) => h.sides.base!.lines.length <= 2 * CONTEXT_LINES + 1));

    // Two 5,000-line sides with nothing in common: the diff gives up early and counts one change.
    const noise = (seed: number) => Array.from({ length: 5_000 }, (_, i) => `${seed}-${(i * 7919 + seed) % 10007}`);
    started = Date.now();
    const rewrite = text(conflictHunks({ kind: 'contents', base: noise(1).join('\n'), ours: noise(2).join('\n'), theirs: noise(3).join('\n') }));
    const rewriteElapsed = Date.now() - started;
    assert.ok(rewriteElapsed < 3000, `${rewriteElapsed} ms`);
    assert.equal(rewrite.hunks.length, 1);
    assert.equal(rewrite.hunks[0].conflict, true);
  });
});
