import assert from 'node:assert/strict';
import { failureFromText, isMissingSymbol, kindOf } from '../../../../../extension/engine/verify/runners/failureKind';
import { findThrownError } from '../../../../../extension/engine/verify/runners/thrownError';

describe('failure kinds', () => {
  it('assertions: AssertionError (node:assert, chai, vitest) and jest matchers', () => {
    assert.equal(kindOf('AssertionError', 'expected 3 to equal 2'), 'assertion');
    assert.equal(kindOf('Error', 'expect(received).toBe(expected)'), 'assertion');
    assert.equal(failureFromText('AssertionError [ERR_ASSERTION]: 3 == 2\n    at x (a.js:1:1)').kind, 'assertion');
  });

  it('errors: missing modules, syntax errors, type errors', () => {
    for (const text of ["Error: Cannot find module 'x'", 'SyntaxError: Unexpected token )', 'TypeError: x is not a function']) {
      assert.equal(failureFromText(text).kind, 'error', text);
    }
  });

  it('a missing function or binding is flagged, other errors are not', () => {
    assert.equal(isMissingSymbol(failureFromText('TypeError: lib.mul is not a function')), true);
    assert.equal(isMissingSymbol(failureFromText('ReferenceError: mul is not defined')), true);
    assert.equal(isMissingSymbol(failureFromText("SyntaxError: The requested module './a.js' does not provide an export named 'mul'")), true);
    assert.equal(isMissingSymbol(failureFromText("Error: Cannot find module 'x'")), false);
    assert.equal(isMissingSymbol({ kind: 'assertion', message: 'f is not a function' }), false);
  });

  it('finds the uncaught error Node printed, in plain text or TAP comments', () => {
    assert.equal(findThrownError('node:internal/x:1\n  throw err;\n  ^\n\nError: Cannot find module \'a\'\nRequire stack:')?.line, "Error: Cannot find module 'a'");
    assert.equal(findThrownError('# TypeError: boom')?.errorName, 'TypeError');
    assert.equal(findThrownError('all fine'), undefined);
  });
});
