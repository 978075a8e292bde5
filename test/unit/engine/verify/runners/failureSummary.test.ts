import assert from 'node:assert/strict';
import { summarizeFailures, shortFailureMessage } from '../../../../../extension/engine/verify/runners/failureSummary';
import type { TestReport } from '../../../../../extension/engine/verify/runners/testReport';
import { reportOf } from './recordedRun';

describe('summarizeFailures', () => {
  it('names the failing tests with their assertion messages, one line', () => {
    assert.equal(summarizeFailures(reportOf('nodeTest', 'fail')), '1 failed: math › subtracts two numbers — Expected values to be strictly equal: 3 !== 2');
    assert.equal(summarizeFailures(reportOf('tape', 'fail')), '1 failed: math: subtracts two numbers — three minus one: expected 2, actual 3');
    assert.equal(summarizeFailures(reportOf('vitest', 'fail')), '1 failed: math › subtracts two numbers — expected 3 to be 2 // Object.is equality');
    assert.equal(summarizeFailures(reportOf('mocha', 'error')), '1 failed: mul › multiplies two numbers — TypeError: lib.mul is not a function');
  });

  it('says what stopped the run, and when nothing ran', () => {
    assert.equal(summarizeFailures(reportOf('mocha', 'crash')), "could not load: Error: Cannot find module '../build/index.cjs'");
    assert.equal(summarizeFailures(reportOf('mocha', 'empty')), 'no tests ran');
    assert.equal(summarizeFailures(reportOf('mocha', 'pass')), 'no failures');
    assert.equal(summarizeFailures(null), "the test runner's output was not recognised");
  });

  it('shows the first few failures and counts the rest', () => {
    const failed = (i: number): TestReport['tests'][number] => ({ name: `t${i}`, status: 'failed', failure: { kind: 'assertion', message: `expected ${i}, got ${i + 1}` } });
    const report: TestReport = { runner: 'jest', tests: [1, 2, 3, 4, 5].map(failed) };
    assert.equal(summarizeFailures(report), '5 failed: t1 — expected 1, got 2; t2 — expected 2, got 3; t3 — expected 3, got 4; and 2 more');
  });

  it('keeps a long message short', () => {
    const message = shortFailureMessage({ kind: 'assertion', message: 'x'.repeat(500) });
    assert.equal(message.length, 140);
    assert.ok(message.endsWith('…'));
  });
});
