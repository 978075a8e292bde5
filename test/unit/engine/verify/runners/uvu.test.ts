import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { classifyBaseRun } from '../../../../../extension/engine/verify/runners/classifyBaseRun';
import { classifyBranchRun } from '../../../../../extension/engine/verify/runners/classifyBranchRun';
import { runnerOfCommand } from '../../../../../extension/engine/verify/runners/commandRunner';
import { parseTestReport } from '../../../../../extension/engine/verify/runners/parseTestReport';
import { uvuAdapter } from '../../../../../extension/engine/verify/runners/uvuAdapter';
import { onlyFailure, outcomes, recordedRun, reportOf } from './recordedRun';

const FAILURE = { kind: 'assertion', errorName: 'uvu is', message: 'three minus one: expected 2, actual 3' };

// Recorded with uvu 0.5.6 on Node 20.20.2 with CI=1 (`uvu uvu <file pattern>`); the CLI colours its output anyway.
describe('uvu adapter (recorded output)', () => {
  it('is the adapter the command names: uvu, npx uvu -r esm test, node_modules/.bin/uvu', () => {
    for (const argv of [['uvu'], ['npx', 'uvu', '-r', 'esm', 'test'], ['node_modules/.bin/uvu', 'test'], ['sh', '-c', 'npm run build && uvu -r tsm']]) {
      assert.equal(runnerOfCommand(argv), 'uvu', argv.join(' '));
      assert.ok(uvuAdapter.matches(argv), argv.join(' '));
    }
    assert.ok(uvuAdapter.matches(recordedRun('uvu', 'pass').argv));
  });

  it('passing: uvu prints a dot per passing test and names none; its totals count them', () => {
    const report = reportOf('uvu', 'pass');
    assert.equal(report.runner, 'uvu');
    assert.deepEqual(report.tests, []);
    assert.deepEqual(report.counts, { passed: 2, failed: 0, skipped: 1 });
    assert.equal(classifyBranchRun(report).verdict, 'passes');
    // A named test cannot be confirmed from uvu's output.
    assert.equal(classifyBranchRun(report, ['add › sums two numbers']).cause, 'namedTestsMissing');
  });

  it('failing: "FAIL suite "test"", the message, the assertion after it and uvu\'s diff', () => {
    const report = reportOf('uvu', 'fail');
    assert.deepEqual(outcomes(report), ['failed math › subtracts two numbers']);
    assert.deepEqual(onlyFailure(report), FAILURE);
    assert.deepEqual(report.counts, { passed: 1, failed: 1, skipped: 0 });
    const base = classifyBaseRun(report, ['math › subtracts two numbers']);
    assert.equal(base.verdict, 'failsForAssertion');
    assert.match(base.reason, /math › subtracts two numbers — three minus one: expected 2, actual 3/);
    assert.equal(classifyBaseRun(report, ['subtracts two numbers']).verdict, 'failsForAssertion');
  });

  it('the same with the file run by node, several files, and `uvu -r esm` on the top-level test (no suite)', () => {
    assert.deepEqual(onlyFailure(reportOf('uvu', 'direct-fail')), FAILURE);
    const multi = reportOf('uvu', 'multi-fail');
    assert.deepEqual(outcomes(multi), ['failed math › subtracts two numbers']);
    assert.deepEqual(multi.counts, { passed: 3, failed: 1, skipped: 1 });
    const esm = reportOf('uvu', 'esm-fail');
    assert.deepEqual(outcomes(esm), ['failed subtracts two numbers']);
    assert.deepEqual(onlyFailure(esm), { kind: 'assertion', errorName: 'uvu is', message: 'Expected values to be strictly equal: expected 2, actual 3' });
  });

  it('a thrown error: uvu prints its message alone, with no assertion after it; an error, not an assertion', () => {
    const report = reportOf('uvu', 'error');
    assert.deepEqual(outcomes(report), ['failed mul › multiplies two numbers']);
    assert.deepEqual(onlyFailure(report), { kind: 'error', message: 'lib.mul is not a function' });
    const base = classifyBaseRun(report);
    assert.equal(base.cause, 'errorsOnly');
    assert.equal(base.errorsAreMissingSymbols, true);
  });

  it('crash before the tests: uvu loads every file first, so nothing ran; the error on stderr is a load error', () => {
    const run = recordedRun('uvu', 'crash');
    assert.equal(run.stdout, '');
    const report = reportOf('uvu', 'crash');
    assert.equal(report.runner, 'uvu');
    assert.equal(report.loadError, "Error: Cannot find module '../build/index.cjs'");
    assert.equal(classifyBaseRun(report).cause, 'loadError');
    assert.equal(classifyBranchRun(report).verdict, 'fails');
  });

  it('a suite with no tests, and a pattern that matches no file: exit 0, totals of 0, nothing ran', () => {
    for (const name of ['empty', 'nofiles']) {
      assert.equal(recordedRun('uvu', name).exitCode, 0);
      const report = reportOf('uvu', name);
      assert.deepEqual(report.tests, []);
      assert.deepEqual(report.counts, { passed: 0, failed: 0, skipped: 0 });
      assert.equal(classifyBaseRun(report).cause, 'noTests');
      assert.equal(classifyBranchRun(report).verdict, 'inconclusive');
    }
  });

  it('`npm test`: the same report (a crash has no uvu output, so its runner is unknown then)', () => {
    assert.deepEqual(onlyFailure(reportOf('uvu', 'npm-fail')), FAILURE);
    for (const name of ['pass', 'fail', 'error', 'empty', 'nofiles', 'multi-fail', 'esm-fail']) {
      const run = recordedRun('uvu', name);
      assert.deepEqual(parseTestReport(['npm', 'test'], run.stdout, run.stderr, run.exitCode), reportOf('uvu', name), name);
    }
    const crash = recordedRun('uvu', 'crash');
    assert.deepEqual(parseTestReport(['npm', 'test'], crash.stdout, crash.stderr, crash.exitCode), {
      runner: 'unknown',
      tests: [],
      loadError: "Error: Cannot find module '../build/index.cjs'",
    });
  });

  it('a test that crashes the process (an error thrown from a timer): "Exiting early" on stderr, a load error', () => {
    const report = reportOf('uvu', 'exit');
    assert.equal(report.runner, 'uvu');
    assert.deepEqual(report.tests, []);
    assert.equal(report.counts, undefined);
    assert.equal(report.loadError, 'Error: boom');
    assert.equal(classifyBaseRun(report).cause, 'loadError');
    const run = recordedRun('uvu', 'exit');
    assert.deepEqual(parseTestReport(['npm', 'test'], run.stdout, run.stderr, run.exitCode), report);
  });

  it('reads none of the other runners\' recorded output', () => {
    const root = path.join(__dirname, '../../../../fixtures/runnerOutput');
    const recordings = fs.readdirSync(root).flatMap((dir) =>
      dir === 'uvu' || !fs.statSync(path.join(root, dir)).isDirectory() ? [] : fs.readdirSync(path.join(root, dir)).flatMap((f) => (f.endsWith('.json') ? [[dir, f.slice(0, -5)]] : [])),
    );
    assert.ok(recordings.length > 50);
    for (const [dir, name] of recordings) {
      const run = recordedRun(dir, name);
      assert.equal(uvuAdapter.parse(run.stdout, run.stderr, run.exitCode), null, `${dir}/${name}`);
    }
  });
});
