import assert from 'node:assert/strict';
import { classifyBaseRun } from '../../../../../extension/engine/verify/runners/classifyBaseRun';
import { classifyBranchRun } from '../../../../../extension/engine/verify/runners/classifyBranchRun';
import { tapeAdapter } from '../../../../../extension/engine/verify/runners/tapeAdapter';
import { onlyFailure, outcomes, recordedRun, reportOf } from './recordedRun';

// Recorded with tape 5.10.2 on Node 20.20.2 (`tape file`).
describe('tape adapter (recorded output)', () => {
  it('is the adapter the command names', () => {
    assert.ok(tapeAdapter.matches(recordedRun('tape', 'pass').argv));
  });

  it('passing: each "# name" comment is a test; "# SKIP name" a skipped one', () => {
    const report = reportOf('tape', 'pass');
    assert.equal(report.runner, 'tape');
    assert.deepEqual(outcomes(report), ['passed add: sums two numbers', 'passed add: handles negatives', 'skipped add: handles bigints']);
    assert.equal(classifyBranchRun(report).verdict, 'passes');
  });

  it('failing: `not ok` with an operator is an assertion, with expected and actual', () => {
    const report = reportOf('tape', 'fail');
    assert.deepEqual(outcomes(report), ['passed math: sums two numbers', 'failed math: subtracts two numbers']);
    assert.deepEqual(onlyFailure(report), { kind: 'assertion', errorName: 'tape equal', message: 'three minus one: expected 2, actual 3' });
    assert.equal(classifyBaseRun(report, ['math: subtracts two numbers']).verdict, 'failsForAssertion');
  });

  it('a test that throws kills the process: its heading is the last line, the TypeError on stderr', () => {
    const report = reportOf('tape', 'error');
    assert.deepEqual(outcomes(report), ['failed mul: multiplies two numbers']);
    assert.deepEqual(onlyFailure(report), { kind: 'error', errorName: 'TypeError', message: 'lib.mul is not a function' });
    assert.equal(classifyBaseRun(report).cause, 'errorsOnly');
  });

  it('crash before the tests: no TAP at all, the error on stderr is a load error', () => {
    const report = reportOf('tape', 'crash');
    assert.equal(report.runner, 'tape');
    assert.deepEqual(report.tests, []);
    assert.equal(report.loadError, "Error: Cannot find module '../build/index.cjs'");
    assert.equal(classifyBaseRun(report).cause, 'loadError');
  });

  it('a file with no tests, and a pattern that matches no file: `1..0`, exit 0, nothing ran', () => {
    for (const name of ['empty', 'nofiles']) {
      const run = recordedRun('tape', name);
      assert.equal(run.exitCode, 0);
      const report = reportOf('tape', name);
      assert.deepEqual(report.tests, []);
      assert.equal(classifyBaseRun(report).cause, 'noTests');
      assert.equal(classifyBranchRun(report).verdict, 'inconclusive');
    }
  });
});
