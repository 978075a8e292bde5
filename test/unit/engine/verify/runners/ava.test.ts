import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { avaTapAdapter } from '../../../../../extension/engine/verify/runners/avaTapAdapter';
import { avaTextAdapter } from '../../../../../extension/engine/verify/runners/avaTextAdapter';
import { classifyBaseRun } from '../../../../../extension/engine/verify/runners/classifyBaseRun';
import { classifyBranchRun } from '../../../../../extension/engine/verify/runners/classifyBranchRun';
import { runnerOfCommand } from '../../../../../extension/engine/verify/runners/commandRunner';
import { summarizeFailures } from '../../../../../extension/engine/verify/runners/failureSummary';
import { parseTestReport } from '../../../../../extension/engine/verify/runners/parseTestReport';
import { onlyFailure, outcomes, recordedRun, reportOf } from './recordedRun';

const FAILURE = { kind: 'assertion', errorName: 'AssertionError', message: 'three minus one: expected 2, actual 3' };

// Recorded with ava 7.0.0 on Node 20.20.2 with CI=1 (`ava file`; `ava --tap file`).
describe('ava adapter (default reporter, recorded output)', () => {
  it('is the adapter the command names: ava, npx ava, node_modules/.bin/ava; not with --tap', () => {
    for (const argv of [['ava'], ['npx', 'ava', 'test.js'], ['node_modules/.bin/ava', '--serial'], ['sh', '-c', 'xo && ava']]) {
      assert.equal(runnerOfCommand(argv), 'ava', argv.join(' '));
      assert.ok(avaTextAdapter.matches(argv), argv.join(' '));
    }
    assert.ok(!avaTextAdapter.matches(['ava', '--tap']));
    assert.ok(avaTextAdapter.matches(recordedRun('ava', 'pass').argv));
  });

  it('passing: a line per test, "- [skip]" for a skipped one', () => {
    const report = reportOf('ava', 'pass');
    assert.equal(report.runner, 'ava');
    assert.deepEqual(outcomes(report), ['skipped add: handles bigints', 'passed add: sums two numbers', 'passed add: handles negatives']);
    assert.equal(report.loadError, undefined);
    assert.equal(classifyBranchRun(report, ['add: sums two numbers']).verdict, 'passes');
  });

  it('failing: "✘ [fail]: title message"; the details give the title alone and the difference', () => {
    const report = reportOf('ava', 'fail');
    assert.deepEqual(outcomes(report), ['passed math: sums two numbers', 'failed math: subtracts two numbers']);
    assert.deepEqual(onlyFailure(report), FAILURE);
    const base = classifyBaseRun(report, ['math: subtracts two numbers']);
    assert.equal(base.verdict, 'failsForAssertion');
    assert.match(base.reason, /math: subtracts two numbers — three minus one: expected 2, actual 3/);
    assert.equal(classifyBranchRun(report).cause, 'testsFailed');
  });

  it('several files: titles are prefixed with the file ("fail › ..."), and a name without it still matches', () => {
    const report = reportOf('ava', 'multi-fail');
    assert.deepEqual(outcomes(report), [
      'skipped pass › add: handles bigints',
      'passed pass › add: sums two numbers',
      'passed pass › add: handles negatives',
      'passed fail › math: sums two numbers',
      'failed fail › math: subtracts two numbers',
    ]);
    assert.deepEqual(onlyFailure(report), FAILURE);
    assert.equal(classifyBaseRun(report, ['math: subtracts two numbers']).verdict, 'failsForAssertion');
  });

  it('a thrown error: ava wraps it ("Error thrown in test"); the failure is the TypeError, not an assertion', () => {
    const report = reportOf('ava', 'error');
    assert.deepEqual(outcomes(report), ['failed mul: multiplies two numbers']);
    assert.deepEqual(onlyFailure(report), { kind: 'error', errorName: 'TypeError', message: 'lib.mul is not a function' });
    const base = classifyBaseRun(report);
    assert.equal(base.verdict, 'inconclusive');
    assert.equal(base.cause, 'errorsOnly');
    assert.equal(base.errorsAreMissingSymbols, true);
  });

  it('crash before the tests: "Uncaught exception in <file>" is a load error, with the error', () => {
    const report = reportOf('ava', 'crash');
    assert.equal(report.runner, 'ava');
    assert.deepEqual(report.tests, []);
    assert.equal(report.loadError, "ava/crash.test.js: Error: Cannot find module '../build/index.cjs'");
    assert.equal(classifyBaseRun(report).cause, 'loadError');
    assert.equal(classifyBranchRun(report).verdict, 'fails');
  });

  it('a file with no tests, and a pattern that matches no file: ava exits 1 and says so', () => {
    const empty = reportOf('ava', 'empty');
    assert.equal(empty.loadError, 'No tests found in ava/empty.test.js');
    assert.equal(classifyBaseRun(empty).verdict, 'inconclusive');
    const nofiles = reportOf('ava', 'nofiles');
    assert.deepEqual(nofiles.tests, []);
    assert.equal(nofiles.loadError, 'Based on your configuration, 11 test files were found, but did not match the filters: ava/missing/*.test.js');
    assert.equal(classifyBaseRun(nofiles).cause, 'loadError');
  });

  it('`--match` that matches no title: exit 1, nothing ran, and nothing is broken', () => {
    const report = reportOf('ava', 'nomatch');
    assert.equal(recordedRun('ava', 'nomatch').exitCode, 1);
    assert.deepEqual(report, { runner: 'ava', tests: [] });
    assert.equal(classifyBaseRun(report).cause, 'noTests');
  });

  it('`npm test` (npm\'s header on stdout): the same report', () => {
    assert.deepEqual(outcomes(reportOf('ava', 'npm-fail')), ['passed math: sums two numbers', 'failed math: subtracts two numbers']);
    assert.deepEqual(onlyFailure(reportOf('ava', 'npm-fail')), FAILURE);
    for (const name of ['pass', 'fail', 'error', 'crash', 'empty', 'nofiles', 'multi-fail']) {
      const run = recordedRun('ava', name);
      assert.deepEqual(parseTestReport(['npm', 'test'], run.stdout, run.stderr, run.exitCode), reportOf('ava', name), name);
    }
  });
});

describe('ava adapter (--tap, recorded output)', () => {
  it('is the adapter the command names', () => {
    assert.ok(avaTapAdapter.matches(recordedRun('ava', 'tap-pass').argv));
    assert.ok(avaTapAdapter.matches(['npx', 'ava', '-t']));
    assert.ok(!avaTapAdapter.matches(['ava']));
    assert.ok(!avaTapAdapter.matches(['tape', '--tap']));
  });

  it('reads the same tests and failures as the default reporter, with or without the command', () => {
    for (const name of ['pass', 'fail', 'error', 'multi-fail']) {
      const run = recordedRun('ava', `tap-${name}`);
      const report = reportOf('ava', `tap-${name}`);
      assert.equal(report.runner, 'ava');
      assert.deepEqual(report, reportOf('ava', name), name);
      assert.deepEqual(parseTestReport(['npm', 'test'], run.stdout, run.stderr, run.exitCode), report, name);
    }
  });

  it('crash and empty file: the points ava adds for the file are a load error, not failed tests', () => {
    const crash = reportOf('ava', 'tap-crash');
    assert.deepEqual(crash.tests, []);
    assert.equal(crash.loadError, "Error: Cannot find module '../build/index.cjs'\nava/crash.test.js exited with a non-zero exit code: 1");
    assert.equal(classifyBaseRun(crash).cause, 'loadError');
    assert.equal(summarizeFailures(crash), "could not load: Error: Cannot find module '../build/index.cjs'");
    assert.equal(reportOf('ava', 'tap-empty').loadError, 'No tests found in ava/empty.test.js');
  });

  it('no files: ava --tap prints an empty plan and nothing else; nothing ran', () => {
    const report = reportOf('ava', 'tap-nofiles');
    assert.deepEqual(report.tests, []);
    assert.equal(classifyBaseRun(report).cause, 'noTests');
  });
});

describe('ava adapters and other runners', () => {
  it('read none of the other runners\' recorded output (tape reads ava\'s TAP, so ava (tap) goes first)', () => {
    const root = path.join(__dirname, '../../../../fixtures/runnerOutput');
    const others = fs.readdirSync(root).filter((d) => d !== 'ava' && fs.statSync(path.join(root, d)).isDirectory());
    for (const dir of others) {
      for (const name of fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.json'))) {
        const run = recordedRun(dir, name.replace(/\.json$/, ''));
        for (const adapter of [avaTextAdapter, avaTapAdapter]) assert.equal(adapter.parse(run.stdout, run.stderr, run.exitCode), null, `${adapter.name} read ${dir}/${name}`);
      }
    }
  });
});
