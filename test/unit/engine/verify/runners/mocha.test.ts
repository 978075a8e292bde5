import assert from 'node:assert/strict';
import { classifyBaseRun } from '../../../../../extension/engine/verify/runners/classifyBaseRun';
import { classifyBranchRun } from '../../../../../extension/engine/verify/runners/classifyBranchRun';
import { mochaJsonAdapter } from '../../../../../extension/engine/verify/runners/mochaJsonAdapter';
import { mochaSpecAdapter } from '../../../../../extension/engine/verify/runners/mochaSpecAdapter';
import { onlyFailure, outcomes, recordedRun, reportOf } from './recordedRun';

// Recorded with mocha 12.0.3 on Node 20.20.2.
for (const reporter of ['spec', 'json'] as const) {
  const rec = (name: string): string => (reporter === 'json' ? `json-${name}` : name);

  describe(`mocha adapter (${reporter} reporter, recorded output)`, () => {
    it('is the adapter the command names', () => {
      const adapter = reporter === 'json' ? mochaJsonAdapter : mochaSpecAdapter;
      const run = recordedRun('mocha', rec('pass'));
      assert.ok(adapter.matches(run.argv));
      assert.equal(adapter.parse(run.stdout, run.stderr, run.exitCode)?.runner, 'mocha');
    });

    it('passing: every test by its suite path, the skipped one skipped', () => {
      const report = reportOf('mocha', rec('pass'));
      assert.equal(report.runner, 'mocha');
      assert.deepEqual(outcomes(report), ['passed add › sums two numbers', 'passed add › handles negatives', 'skipped add › handles bigints']);
      assert.equal(report.loadError, undefined);
      assert.deepEqual(report.counts, { passed: 2, failed: 0, skipped: 1 });
      assert.equal(classifyBaseRun(report).verdict, 'alreadyPasses');
      assert.equal(classifyBranchRun(report).verdict, 'passes');
    });

    it('failing: the assertion message without the stack', () => {
      const report = reportOf('mocha', rec('fail'));
      assert.deepEqual(outcomes(report), ['passed math › sums two numbers', 'failed math › subtracts two numbers']);
      const failure = onlyFailure(report);
      assert.equal(failure.kind, 'assertion');
      assert.equal(failure.errorName, 'AssertionError');
      assert.match(failure.message, /^Expected values to be strictly equal:\s+3 !== 2$/);
      assert.equal(classifyBaseRun(report, ['subtracts two numbers']).verdict, 'failsForAssertion');
      assert.equal(classifyBranchRun(report).verdict, 'fails');
    });

    it('a TypeError in the test is an error, not an assertion', () => {
      const report = reportOf('mocha', rec('error'));
      assert.deepEqual(onlyFailure(report), { kind: 'error', errorName: 'TypeError', message: 'lib.mul is not a function' });
      const base = classifyBaseRun(report);
      assert.equal(base.verdict, 'inconclusive');
      assert.equal(base.cause, 'errorsOnly');
      assert.equal(base.errorsAreMissingSymbols, true);
    });

    it('a failing before hook is an error under the hook\'s name, and the named test did not run', () => {
      const report = reportOf('mocha', rec('hook'));
      assert.deepEqual(outcomes(report), ['failed add › "before all" hook for "sums two numbers"']);
      assert.deepEqual(onlyFailure(report), { kind: 'error', errorName: 'Error', message: 'database is down' });
      assert.equal(classifyBaseRun(report, ['add › sums two numbers']).cause, 'namedTestsMissing');
    });

    it('crash before the tests: a load error, no tests', () => {
      const report = reportOf('mocha', rec('crash'));
      assert.deepEqual(report.tests, []);
      assert.equal(report.loadError, "Error: Cannot find module '../build/index.cjs'");
      assert.equal(classifyBaseRun(report).cause, 'loadError');
      assert.equal(classifyBranchRun(report).verdict, 'fails');
    });

    it('a file with no tests: nothing ran', () => {
      const report = reportOf('mocha', rec('empty'));
      assert.deepEqual(report.tests, []);
      assert.equal(report.loadError, undefined);
      assert.equal(classifyBaseRun(report).cause, 'noTests');
      assert.equal(classifyBranchRun(report).verdict, 'inconclusive');
    });

    it('no test files found: a load error', () => {
      const report = reportOf('mocha', rec('nofiles'));
      assert.equal(report.runner, 'mocha');
      assert.equal(report.loadError, 'Error: No test files found: "mocha/missing/*.test.js"');
      assert.equal(classifyBaseRun(report).cause, 'loadError');
    });
  });
}

describe('mocha json adapter', () => {
  it('names each test\'s file', () => {
    const report = reportOf('mocha', 'json-fail');
    assert.deepEqual(
      report.tests.map((t) => t.file),
      ['/project/mocha/fail.test.js', '/project/mocha/fail.test.js'],
    );
  });

  it('finds the JSON after console output the tests printed', () => {
    const run = recordedRun('mocha', 'json-fail');
    const report = mochaJsonAdapter.parse(`debug: connecting\n{ not json\n${run.stdout}`, run.stderr, run.exitCode);
    assert.deepEqual(report && outcomes(report), ['passed math › sums two numbers', 'failed math › subtracts two numbers']);
  });
});

describe('mocha with the dot reporter (a real repository, recorded)', () => {
  it('finds the failing test by its title path and its assertion from the epilogue, and classifies the base run as fail-to-pass evidence', () => {
    const report = reportOf('mocha', 'dot-fail');
    assert.deepEqual(report.counts, { passed: 15, failed: 1, skipped: 0 });
    assert.deepEqual(outcomes(report), ['failed options › options.matchBase › should split the basename on backslashes when the windows option is enabled']);
    assert.equal(onlyFailure(report).kind, 'assertion');
    const base = classifyBaseRun(report);
    assert.equal(base.verdict, 'failsForAssertion', base.reason);
  });

  it('a branch run that names no test passes on its counts when the start commit\'s failure is gone', () => {
    const base = classifyBaseRun(reportOf('mocha', 'dot-fail'));
    const branch = classifyBranchRun(reportOf('mocha', 'dot-pass'), base.failedForAssertion.map((t) => t.name), { ranOnBase: 16 });
    assert.equal(branch.verdict, 'passes', branch.reason);
  });
});
