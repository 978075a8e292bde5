import assert from 'node:assert/strict';
import { classifyBaseRun } from '../../../../../extension/engine/verify/runners/classifyBaseRun';
import { classifyBranchRun } from '../../../../../extension/engine/verify/runners/classifyBranchRun';
import { nodeTapAdapter } from '../../../../../extension/engine/verify/runners/nodeTapAdapter';
import { onlyFailure, outcomes, recordedRun, reportOf } from './recordedRun';

// Recorded with tap 21.8.0 on Node 20.20.2 (`tap --disable-coverage file`, piped: TAP 14).
describe('node-tap adapter (recorded output)', () => {
  it('is the adapter the command names', () => {
    assert.ok(nodeTapAdapter.matches(recordedRun('tap', 'pass').argv));
  });

  it('passing: subtests holding assertions are the tests, in their file', () => {
    const report = reportOf('tap', 'pass');
    assert.equal(report.runner, 'tap');
    assert.deepEqual(outcomes(report), ['passed add: sums two numbers', 'passed add: handles negatives', 'skipped add: handles bigints']);
    assert.equal(report.tests[0].file, 'tap/pass.test.js');
    assert.equal(classifyBranchRun(report).verdict, 'passes');
  });

  it('failing: the assertion\'s expected and actual from its diff', () => {
    const report = reportOf('tap', 'fail');
    assert.deepEqual(outcomes(report), ['passed math: sums two numbers', 'failed math: subtracts two numbers']);
    assert.deepEqual(onlyFailure(report), { kind: 'assertion', message: 'three minus one: expected 2, actual 3' });
    assert.equal(classifyBaseRun(report).verdict, 'failsForAssertion');
  });

  it('a test file run with node directly prints the same tests without the file level', () => {
    const report = reportOf('tap', 'direct-fail');
    assert.deepEqual(outcomes(report), ['passed math: sums two numbers', 'failed math: subtracts two numbers']);
  });

  it('a thrown TypeError (tapCaught) is an error', () => {
    const report = reportOf('tap', 'error');
    assert.deepEqual(onlyFailure(report), { kind: 'error', errorName: 'TypeError', message: 'lib.mul is not a function' });
  });

  it('crash before the tests: the file\'s subtest has no tests and failed; the error is on stderr', () => {
    const report = reportOf('tap', 'crash');
    assert.deepEqual(report.tests, []);
    assert.equal(report.loadError, "tap/crash.test.js: Error: Cannot find module '../build/index.cjs'");
    assert.equal(classifyBaseRun(report).cause, 'loadError');
  });

  it('a file with no tests is skipped by tap ("no tests found"): nothing ran', () => {
    const report = reportOf('tap', 'empty');
    assert.deepEqual(report.tests, []);
    assert.equal(report.loadError, undefined);
    assert.equal(classifyBaseRun(report).cause, 'noTests');
  });

  it('no test files found: a load error', () => {
    assert.equal(reportOf('tap', 'nofiles').loadError, 'No valid test files found matching "tap/missing/*.test.js"');
  });
});
