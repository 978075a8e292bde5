import assert from 'node:assert/strict';
import { classifyBaseRun } from '../../../../../extension/engine/verify/runners/classifyBaseRun';
import { classifyBranchRun } from '../../../../../extension/engine/verify/runners/classifyBranchRun';
import { nodeTestSpecAdapter } from '../../../../../extension/engine/verify/runners/nodeTestSpecAdapter';
import { nodeTestTapAdapter } from '../../../../../extension/engine/verify/runners/nodeTestTapAdapter';
import { onlyFailure, outcomes, recordedRun, reportOf } from './recordedRun';

// Recorded with `node --test` on Node 20.20.2: piped, it prints TAP; on a terminal (or with
// --test-reporter=spec), the spec reporter.
describe('node --test: Node 20 prints TAP when stdout is a pipe', () => {
  it('the recording of a plain `node --test` run is TAP 13', () => {
    const run = recordedRun('nodeTest', 'fail');
    assert.deepEqual(run.argv, ['node', '--test', 'nodetest/fail.test.js']);
    assert.match(run.stdout, /^TAP version 13\n/);
    assert.ok(nodeTestTapAdapter.parse(run.stdout, run.stderr, run.exitCode));
    assert.equal(nodeTestSpecAdapter.parse(run.stdout, run.stderr, run.exitCode), null);
  });
});

for (const reporter of ['tap', 'spec'] as const) {
  const rec = (name: string): string => (reporter === 'spec' ? `spec-${name}` : name);

  describe(`node --test adapter (${reporter} reporter, recorded output)`, () => {
    it('passing: tests by suite path, the skipped one skipped', () => {
      const report = reportOf('nodeTest', rec('pass'));
      assert.equal(report.runner, 'node --test');
      assert.deepEqual(outcomes(report), ['passed add › sums two numbers', 'passed add › handles negatives', 'skipped add › handles bigints']);
      assert.deepEqual(report.counts, { passed: 2, failed: 0, skipped: 1 });
      assert.equal(classifyBranchRun(report, ['add › sums two numbers']).verdict, 'passes');
    });

    it('failing: node:assert\'s message, an assertion', () => {
      const report = reportOf('nodeTest', rec('fail'));
      assert.deepEqual(outcomes(report), ['passed math › sums two numbers', 'failed math › subtracts two numbers']);
      const failure = onlyFailure(report);
      assert.equal(failure.kind, 'assertion');
      assert.equal(failure.errorName, 'AssertionError');
      assert.match(failure.message, /^Expected values to be strictly equal:\s+3 !== 2$/);
      assert.equal(classifyBaseRun(report, ['subtracts two numbers']).verdict, 'failsForAssertion');
    });

    it('a TypeError is an error', () => {
      const failure = onlyFailure(reportOf('nodeTest', rec('error')));
      assert.equal(failure.kind, 'error');
      assert.equal(failure.errorName, 'TypeError');
      assert.equal(failure.message, 'lib.mul is not a function');
    });

    it('crash before the tests: the file shows as a failed test; it is a load error with the thrown message', () => {
      const report = reportOf('nodeTest', rec('crash'));
      assert.deepEqual(report.tests, []);
      assert.equal(report.loadError, "/project/nodetest/crash.test.js: Error: Cannot find module '../build/index.cjs'");
      assert.deepEqual(report.counts, { passed: 0, failed: 0, skipped: 0 });
      assert.equal(classifyBaseRun(report).cause, 'loadError');
    });
  });
}

describe('node --test adapter (tap, more recorded cases)', () => {
  it('a file with no tests shows as a passing test named after the file: not a test', () => {
    const report = reportOf('nodeTest', 'empty');
    assert.deepEqual(report.tests, []);
    assert.equal(report.loadError, undefined);
    assert.deepEqual(report.counts, { passed: 0, failed: 0, skipped: 0 });
    assert.equal(classifyBaseRun(report).cause, 'noTests');
    assert.equal(classifyBranchRun(report).verdict, 'inconclusive');
  });

  it('a missing test file: "Could not find" on stderr is a load error', () => {
    const report = reportOf('nodeTest', 'nofiles');
    assert.equal(report.loadError, "Could not find '/project/nodetest/missing.test.js'");
  });

  it('several files, one crashed: the others\' tests and the crash, each test with its file where Node says it', () => {
    const report = reportOf('nodeTest', 'multi-fail');
    assert.deepEqual(outcomes(report), [
      'passed math › sums two numbers',
      'failed math › subtracts two numbers',
      'passed add › sums two numbers',
      'passed add › handles negatives',
      'skipped add › handles bigints',
    ]);
    assert.equal(report.tests[1].file, '/project/nodetest/fail.test.js');
    assert.match(report.loadError ?? '', /crash\.test\.js: Error: Cannot find module/);
    // The named test ran and failed for an assertion: the other file's crash does not hide that.
    assert.equal(classifyBaseRun(report, ['math › subtracts two numbers']).verdict, 'failsForAssertion');
    assert.equal(classifyBaseRun(report).cause, 'loadError');
  });
});
