import assert from 'node:assert/strict';
import { classifyBaseRun } from '../../../../../extension/engine/verify/runners/classifyBaseRun';
import { classifyBranchRun } from '../../../../../extension/engine/verify/runners/classifyBranchRun';
import { vitestJsonAdapter } from '../../../../../extension/engine/verify/runners/vitestJsonAdapter';
import { vitestTextAdapter } from '../../../../../extension/engine/verify/runners/vitestTextAdapter';
import { onlyFailure, outcomes, recordedRun, reportOf } from './recordedRun';

// Recorded with vitest 4.1.12 on Node 20.20.2; the text output keeps vitest's colour escapes.
describe('vitest adapter (json, recorded output)', () => {
  it('is the adapter the command names', () => {
    const run = recordedRun('vitest', 'json-pass');
    assert.ok(vitestJsonAdapter.matches(run.argv));
    assert.equal(vitestJsonAdapter.parse(run.stdout, run.stderr, run.exitCode)?.runner, 'vitest');
  });

  it('passing', () => {
    const report = reportOf('vitest', 'json-pass');
    assert.deepEqual(outcomes(report), ['passed add › sums two numbers', 'passed add › handles negatives', 'skipped add › handles bigints']);
    assert.equal(classifyBranchRun(report).verdict, 'passes');
  });

  it('failing: vitest\'s expect throws an AssertionError', () => {
    const report = reportOf('vitest', 'json-fail');
    assert.deepEqual(outcomes(report), ['passed math › sums two numbers', 'failed math › subtracts two numbers']);
    assert.deepEqual(onlyFailure(report), { kind: 'assertion', errorName: 'AssertionError', message: 'expected 3 to be 2 // Object.is equality' });
  });

  it('a TypeError is an error (vite renames the import)', () => {
    assert.deepEqual(onlyFailure(reportOf('vitest', 'json-error')), { kind: 'error', errorName: 'TypeError', message: '__vite_ssr_import_1__.mul is not a function' });
  });

  it('crash, empty file and no files are load errors', () => {
    assert.equal(reportOf('vitest', 'json-crash').loadError, "/project/vitest/crash.test.js: Cannot find module '../build/index.cjs' imported from /project/vitest/crash.test.js");
    assert.equal(reportOf('vitest', 'json-empty').loadError, '/project/vitest/empty.test.js: No test suite found in file /project/vitest/empty.test.js');
    assert.equal(reportOf('vitest', 'json-nofiles').loadError, 'No test files found');
  });
});

describe('vitest adapter (text, recorded output)', () => {
  it('is the adapter the command names', () => {
    const run = recordedRun('vitest', 'pass');
    assert.ok(vitestTextAdapter.matches(run.argv));
  });

  it('passing: the default reporter names no passing test, only counts them', () => {
    const report = reportOf('vitest', 'pass');
    assert.equal(report.runner, 'vitest');
    assert.deepEqual(report.tests, []);
    assert.deepEqual(report.counts, { passed: 2, failed: 0, skipped: 1 });
    // Nothing failed and the runner counted passes: the branch passes; a named test cannot be confirmed.
    assert.equal(classifyBranchRun(report).verdict, 'passes');
    assert.equal(classifyBranchRun(report, ['add › sums two numbers']).cause, 'namedTestsMissing');
  });

  it('failing: the failure details (stderr) give the suite path and the message', () => {
    const report = reportOf('vitest', 'fail');
    assert.deepEqual(outcomes(report), ['failed math › subtracts two numbers', 'passed sums two numbers']);
    const failure = onlyFailure(report);
    assert.equal(failure.kind, 'assertion');
    assert.equal(failure.errorName, 'AssertionError');
    assert.match(failure.message, /^expected 3 to be 2 \/\/ Object\.is equality\n/);
    assert.equal(classifyBaseRun(report, ['math › subtracts two numbers']).verdict, 'failsForAssertion');
  });

  it('the verbose reporter names every test with its file', () => {
    const report = reportOf('vitest', 'verbose-fail');
    assert.deepEqual(outcomes(report), [
      'failed math › subtracts two numbers',
      'passed math › sums two numbers',
      'passed add › sums two numbers',
      'passed add › handles negatives',
      'skipped add › handles bigints',
    ]);
    assert.equal(report.tests[2].file, 'vitest/pass.test.js');
  });

  it('a TypeError is an error', () => {
    assert.deepEqual(onlyFailure(reportOf('vitest', 'error')), { kind: 'error', errorName: 'TypeError', message: 'mul is not a function' });
  });

  it('crash and empty file: "Failed Suites" are load errors', () => {
    assert.equal(reportOf('vitest', 'crash').loadError, "vitest/crash.test.js: Error: Cannot find module '../build/index.cjs' imported from /project/vitest/crash.test.js");
    assert.equal(reportOf('vitest', 'empty').loadError, 'vitest/empty.test.js: Error: No test suite found in file /project/vitest/empty.test.js');
    assert.equal(classifyBaseRun(reportOf('vitest', 'crash')).cause, 'loadError');
  });

  it('no test files found: a load error', () => {
    const report = reportOf('vitest', 'nofiles');
    assert.equal(report.runner, 'vitest');
    assert.equal(report.loadError, 'No test files found, exiting with code 1');
  });
});
