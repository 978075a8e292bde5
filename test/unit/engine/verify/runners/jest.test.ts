import assert from 'node:assert/strict';
import { classifyBaseRun } from '../../../../../extension/engine/verify/runners/classifyBaseRun';
import { classifyBranchRun } from '../../../../../extension/engine/verify/runners/classifyBranchRun';
import { jestJsonAdapter } from '../../../../../extension/engine/verify/runners/jestJsonAdapter';
import { jestTextAdapter } from '../../../../../extension/engine/verify/runners/jestTextAdapter';
import { onlyFailure, outcomes, recordedRun, reportOf } from './recordedRun';

// Recorded with jest 30.5.2 on Node 20.20.2: text on stderr, --json on stdout.
for (const reporter of ['text', 'json'] as const) {
  const rec = (name: string): string => (reporter === 'json' ? `json-${name}` : name);

  describe(`jest adapter (${reporter}, recorded output)`, () => {
    it('is the adapter the command names', () => {
      const adapter = reporter === 'json' ? jestJsonAdapter : jestTextAdapter;
      const run = recordedRun('jest', rec('pass'));
      assert.ok(adapter.matches(run.argv));
      assert.equal(adapter.parse(run.stdout, run.stderr, run.exitCode)?.runner, 'jest');
    });

    it('passing: tests by describe path, the skipped one skipped', () => {
      const report = reportOf('jest', rec('pass'));
      assert.equal(report.runner, 'jest');
      assert.deepEqual(outcomes(report), ['passed add › sums two numbers', 'passed add › handles negatives', 'skipped add › handles bigints']);
      assert.deepEqual(report.counts, { passed: 2, failed: 0, skipped: 1 });
      assert.equal(classifyBranchRun(report).verdict, 'passes');
    });

    it('failing: an expect matcher is an assertion, with Expected and Received', () => {
      const report = reportOf('jest', rec('fail'));
      assert.deepEqual(outcomes(report), ['passed math › sums two numbers', 'failed math › subtracts two numbers']);
      const failure = onlyFailure(report);
      assert.equal(failure.kind, 'assertion');
      assert.match(failure.message, /^expect\(received\)\.toBe\(expected\) \/\/ Object\.is equality\s+Expected: 2\nReceived: 3$/);
      assert.equal(classifyBaseRun(report, ['math › subtracts two numbers']).verdict, 'failsForAssertion');
    });

    it('a TypeError is an error', () => {
      const failure = onlyFailure(reportOf('jest', rec('error')));
      assert.deepEqual(failure, { kind: 'error', errorName: 'TypeError', message: 'lib.mul is not a function' });
    });

    it('crash before the tests: "Test suite failed to run" is a load error', () => {
      const report = reportOf('jest', rec('crash'));
      assert.deepEqual(report.tests, []);
      assert.match(report.loadError ?? '', /crash\.test\.js: Cannot find module '\.\.\/build\/index\.cjs' from 'crash\.test\.js'$/);
      assert.equal(classifyBaseRun(report).cause, 'loadError');
      assert.equal(classifyBranchRun(report).verdict, 'fails');
    });

    it('a file with no tests: jest fails the suite ("must contain at least one test")', () => {
      const report = reportOf('jest', rec('empty'));
      assert.deepEqual(report.tests, []);
      assert.match(report.loadError ?? '', /empty\.test\.js: Your test suite must contain at least one test\.$/);
    });

    it('no test files found: a load error, though jest prints no JSON', () => {
      const report = reportOf('jest', rec('nofiles'));
      assert.equal(report.runner, 'jest');
      assert.equal(report.loadError, 'No tests found, exiting with code 1');
    });
  });
}

describe('jest text adapter over several files', () => {
  it('jest lists no test lines then: the "●" blocks are the failures and the totals say how many passed', () => {
    const report = reportOf('jest', 'multi-fail');
    assert.deepEqual(outcomes(report), ['failed math › subtracts two numbers']);
    assert.equal(report.tests[0].file, 'jest/fail.test.js');
    assert.equal(onlyFailure(report).kind, 'assertion');
    assert.deepEqual(report.counts, { passed: 3, failed: 1, skipped: 1 });
    const base = classifyBaseRun(report, ['add › sums two numbers']);
    assert.equal(base.cause, 'namedTestsMissing');
    assert.match(base.reason, /the reporter named 1 of 5 tests/);
  });
});
