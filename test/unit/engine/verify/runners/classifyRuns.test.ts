import assert from 'node:assert/strict';
import { classifyBaseRun } from '../../../../../extension/engine/verify/runners/classifyBaseRun';
import { classifyBranchRun } from '../../../../../extension/engine/verify/runners/classifyBranchRun';
import type { TestReport } from '../../../../../extension/engine/verify/runners/testReport';
import { reportOf } from './recordedRun';

const report = (tests: TestReport['tests'], extra: Partial<TestReport> = {}): TestReport => ({ runner: 'mocha', tests, ...extra });

describe('classifyBaseRun', () => {
  it('null (output not recognised) is inconclusive', () => {
    assert.equal(classifyBaseRun(null).cause, 'noReport');
  });

  it('a named test that failed for an assertion is fail-to-pass evidence, whatever else happened', () => {
    const r = reportOf('mocha', 'fail');
    const c = classifyBaseRun(r, ['subtracts two numbers']);
    assert.equal(c.verdict, 'failsForAssertion');
    assert.deepEqual(c.failedForAssertion.map((t) => t.name), ['math › subtracts two numbers']);
    assert.match(c.reason, /^1 failed on the start commit: math › subtracts two numbers — Expected values to be strictly equal: 3 !== 2$/);
  });

  it('named tests that all pass: already passes', () => {
    const c = classifyBaseRun(reportOf('mocha', 'fail'), ['math sums two numbers']);
    assert.equal(c.verdict, 'alreadyPasses');
    assert.equal(c.reason, '1 test already passes on the start commit');
  });

  it('a named test the run does not have is inconclusive (a --grep that matched nothing)', () => {
    const c = classifyBaseRun(reportOf('mocha', 'fail'), ['math › divides']);
    assert.equal(c.cause, 'namedTestsMissing');
    assert.deepEqual(c.missing, ['math › divides']);
  });

  it('errors only: inconclusive, flagged when every error is a missing function (a new export)', () => {
    const missing = classifyBaseRun(reportOf('jest', 'json-error'));
    assert.equal(missing.cause, 'errorsOnly');
    assert.equal(missing.errorsAreMissingSymbols, true);
    const other = classifyBaseRun(report([{ name: 'x', status: 'failed', failure: { kind: 'error', errorName: 'SyntaxError', message: 'Unexpected token )' } }]));
    assert.equal(other.cause, 'errorsOnly');
    assert.equal(other.errorsAreMissingSymbols, false);
  });

  it('every test skipped: nothing ran', () => {
    assert.equal(classifyBaseRun(report([{ name: 'x', status: 'skipped' }])).reason, 'every test was skipped');
  });

  it('a load error is inconclusive unless every named test is in the report', () => {
    const crashed = report([{ name: 'a › b', status: 'failed', failure: { kind: 'assertion', message: 'no' } }], { loadError: 'other.test.js: Error: boom' });
    assert.equal(classifyBaseRun(crashed).cause, 'loadError');
    assert.equal(classifyBaseRun(crashed, ['a › c']).cause, 'loadError');
    assert.equal(classifyBaseRun(crashed, ['b']).verdict, 'failsForAssertion');
  });
});

describe('classifyBranchRun', () => {
  it('with a reporter that names only failures (uvu), passes when the start commit\'s failures did not fail and as many tests passed as ran there', () => {
    const failedOnBase = classifyBaseRun(reportOf('uvu', 'fail')).failedForAssertion.map((t) => t.name);
    assert.equal(failedOnBase.length, 1);
    const branch = reportOf('uvu', 'pass'); // "Total: 2, Passed: 2", no names
    const c = classifyBranchRun(branch, failedOnBase, { ranOnBase: 2 });
    assert.equal(c.verdict, 'passes', c.reason);
    assert.match(c.reason, /2 passed, none failed \(the runner names only failures; the start commit ran 2\)/);
    // Fewer tests than the start commit ran: the tests may not have run at all.
    assert.equal(classifyBranchRun(branch, failedOnBase, { ranOnBase: 3 }).cause, 'namedTestsMissing');
    // Explicitly named tests must be seen by name.
    assert.equal(classifyBranchRun(branch, failedOnBase).cause, 'namedTestsMissing');
    // A failure on the branch is a failure, whatever the counts.
    assert.equal(classifyBranchRun(reportOf('uvu', 'fail'), failedOnBase, { ranOnBase: 2 }).verdict, 'fails');
  });

  it('passes when the named tests ran and passed, with failures of other tests kept apart', () => {
    const c = classifyBranchRun(reportOf('mocha', 'fail'), ['sums two numbers']);
    assert.equal(c.verdict, 'passes');
    assert.deepEqual(c.otherFailures.map((t) => t.name), ['math › subtracts two numbers']);
  });

  it('fails when a named test failed, with the assertion in the reason', () => {
    const c = classifyBranchRun(reportOf('jest', 'json-fail'), ['subtracts two numbers']);
    assert.equal(c.verdict, 'fails');
    assert.equal(c.cause, 'testsFailed');
    assert.equal(c.reason, '1 failed: math › subtracts two numbers — Expected: 2 Received: 3');
  });

  it('fails when the branch does not load; inconclusive when nothing ran', () => {
    assert.equal(classifyBranchRun(reportOf('vitest', 'json-crash')).cause, 'loadError');
    assert.equal(classifyBranchRun(reportOf('tape', 'nofiles')).cause, 'noTests');
    assert.equal(classifyBranchRun(null).cause, 'noReport');
  });
});
