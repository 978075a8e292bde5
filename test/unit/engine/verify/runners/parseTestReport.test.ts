import assert from 'node:assert/strict';
import { classifyBaseRun } from '../../../../../extension/engine/verify/runners/classifyBaseRun';
import { parseTestReport, runnerAdapters } from '../../../../../extension/engine/verify/runners/parseTestReport';
import { outcomes, recordedRun, reportOf } from './recordedRun';

const NPM_TEST = ['npm', 'test'];

describe('parseTestReport', () => {
  it('`npm run <script>` names no runner: the output says which ran (recorded, with npm\'s header)', () => {
    assert.equal(reportOf('npm', 'mocha').runner, 'mocha');
    assert.equal(reportOf('npm', 'jest').runner, 'jest');
    assert.equal(reportOf('npm', 'vitest').runner, 'vitest');
    assert.deepEqual(outcomes(reportOf('npm', 'mocha')), ['passed math › sums two numbers', 'failed math › subtracts two numbers']);
  });

  it('a crash with no runner output and no runner named is still a load error', () => {
    const report = reportOf('npm', 'tape');
    assert.equal(report.runner, 'unknown');
    assert.equal(report.loadError, "Error: Cannot find module '../build/index.cjs'");
  });

  it('every recording with a runner\'s own output reads the same when the command is `npm test`', () => {
    const cases: [string, string][] = [
      ['mocha', 'fail'], ['mocha', 'json-fail'], ['mocha', 'crash'], ['nodeTest', 'fail'], ['nodeTest', 'spec-fail'],
      ['tape', 'fail'], ['tap', 'fail'], ['tap', 'direct-fail'], ['jest', 'fail'], ['jest', 'json-fail'],
      ['vitest', 'fail'], ['vitest', 'json-fail'], ['vitest', 'verbose-fail'],
    ];
    for (const [runner, name] of cases) {
      const run = recordedRun(runner, name);
      assert.deepEqual(parseTestReport(NPM_TEST, run.stdout, run.stderr, run.exitCode), reportOf(runner, name), `${runner}/${name}`);
    }
  });

  it('a runner that is not installed (npx offline in the sandbox, a script whose program is missing) is a load error: the environment, not the code', () => {
    const npx = reportOf('npm', 'npx-offline');
    assert.match(npx.loadError ?? '', /^the test runner could not start: npm error code ENOTCACHED$/);
    assert.equal(classifyBaseRun(npx).cause, 'loadError');
    const script = reportOf('npm', 'script-not-found');
    assert.equal(script.loadError, 'the test runner could not start: sh: 1: mocha: not found');
    assert.equal(classifyBaseRun(script).verdict, 'inconclusive');
  });

  it('null when nothing recognises the output', () => {
    assert.equal(parseTestReport(NPM_TEST, 'all good\n', '', 0), null);
    assert.equal(parseTestReport(['node', '-e', '0'], '', '', 0), null);
  });

  it('one adapter per runner and format', () => {
    assert.deepEqual(
      runnerAdapters.map((a) => a.name),
      ['mocha (json)', 'jest (json)', 'vitest (json)', 'node --test (tap)', 'node --test (spec)', 'tap', 'ava (tap)', 'tape', 'mocha (spec)', 'jest (text)', 'vitest (text)', 'ava', 'uvu'],
    );
  });
});
