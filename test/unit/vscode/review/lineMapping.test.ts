import assert from 'node:assert/strict';
import { mapLine } from '../../../../extension/vscode/review/lineMapping';

const text = (...lines: string[]) => `${lines.join('\n')}\n`;
const branch = text('a', 'b', 'c', 'd', 'e', 'f');

describe('vscode/review/lineMapping', () => {
  it('keeps the line when the files are the same', () => {
    assert.deepEqual(mapLine(branch, branch, 4), { line: 4, exact: true });
  });

  it('moves the line down by the lines added above it and up by the lines removed', () => {
    assert.deepEqual(mapLine(branch, text('x', 'y', 'a', 'b', 'c', 'd', 'e', 'f'), 4), { line: 6, exact: true });
    assert.deepEqual(mapLine(branch, text('c', 'd', 'e', 'f'), 4), { line: 2, exact: true });
    // Changes below the line do not move it.
    assert.deepEqual(mapLine(branch, text('a', 'b', 'c', 'd', 'E', 'F', 'g'), 3), { line: 3, exact: true });
  });

  it('a changed line maps to the nearest unchanged one, and says it is not exact', () => {
    assert.deepEqual(mapLine(branch, text('x', 'a', 'b', 'C', 'd', 'e', 'f'), 3), { line: 3, exact: false }, 'b, above, is as near as d');
    assert.deepEqual(mapLine(branch, text('A', 'B', 'c', 'd'), 1), { line: 3, exact: false }, 'nothing above: the nearest below');
  });

  it('a file with nothing in common keeps the line number inside the file', () => {
    assert.deepEqual(mapLine(branch, text('p', 'q'), 5), { line: 2, exact: false });
    assert.deepEqual(mapLine(branch, '', 5), { line: 1, exact: false });
  });

  it('ignores line endings and clamps lines past the end', () => {
    assert.deepEqual(mapLine(branch, branch.replace(/\n/g, '\r\n'), 2), { line: 2, exact: true });
    assert.deepEqual(mapLine(branch, branch, 99), { line: 6, exact: true });
  });
});
