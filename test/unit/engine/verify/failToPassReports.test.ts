import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkFailToPass } from '../../../../extension/engine/verify/failToPass';
import { loadErrorIsAddedModule } from '../../../../extension/engine/verify/missingModule';
import { MATH_FIXED, makeDirPair } from './fixtureRepo';

const common = { timeoutMs: 30_000, allowlist: ['node'], reruns: 1 };
const BUILT_TEST = "const test = require('node:test');\nconst assert = require('node:assert');\nconst { add } = require('../build/math.cjs');\ntest('add adds', () => assert.strictEqual(add(2, 3), 5));\n";
const NEW_TEST = "const test = require('node:test');\nconst assert = require('node:assert');\nconst { mul } = require('../src/mul');\ntest('mul multiplies', () => assert.strictEqual(mul(2, 3), 6));\n";

/** Fail-to-pass read from the runner's own report (node --test, real runs). */
describe('engine/verify/failToPass: the runner report decides', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));
  const pair = (files: Record<string, string | null>) => {
    const p = makeDirPair(files);
    cleanups.push(p.cleanup);
    return p;
  };

  it('names the failing test and its assertion in the detail, not the first lines of output', async () => {
    const { baseDir, branchDir } = pair({ 'src/math.js': MATH_FIXED });
    const r = await checkFailToPass({ ...common, baseDir, branchDir, command: ['node', '--test', 'test/add.test.js'] });
    assert.equal(r.passed, true, r.detail);
    assert.match(r.detail, /base: 1 failed on the start commit: add adds — Expected values to be strictly equal/);
  });

  it('a base that cannot load (a missing build output) is inconclusive, not a fail-to-pass', async () => {
    const { baseDir, branchDir } = pair({ 'test/built.test.js': BUILT_TEST, 'build/math.cjs': MATH_FIXED });
    fs.writeFileSync(path.join(baseDir, 'test/built.test.js'), BUILT_TEST);
    const r = await checkFailToPass({ ...common, baseDir, branchDir, command: ['node', '--test', 'test/built.test.js'], testFiles: ['test/built.test.js'] });
    assert.equal(r.passed, false);
    assert.equal(r.findings[0].rule, 'failToPass/inconclusive');
    assert.match(r.findings[0].message, /proves nothing on the start commit: the tests could not run .*Cannot find module '..\/build\/math.cjs'.*--setup/);
  });

  it('a test of a module the task adds may fail to load on base: that module is the change', async () => {
    const { baseDir, branchDir } = pair({ 'test/mul.test.js': NEW_TEST, 'src/mul.js': 'exports.mul = (a, b) => a * b;\n' });
    fs.writeFileSync(path.join(baseDir, 'test/mul.test.js'), NEW_TEST);
    const r = await checkFailToPass({ ...common, baseDir, branchDir, command: ['node', '--test', 'test/mul.test.js'], addedFiles: ['src/mul.js', 'test/mul.test.js'] });
    assert.equal(r.passed, true, JSON.stringify(r));
    assert.match(r.detail, /base: fails because the code it tests is new/);
  });

  it('a branch run that exits 0 without running the tests that failed on base does not pass', async () => {
    const { baseDir, branchDir } = pair({ 'src/math.js': MATH_FIXED, 'test/add.test.js': "require('node:test')('something else', () => {});\n" });
    const r = await checkFailToPass({ ...common, baseDir, branchDir, command: ['node', '--test', 'test/add.test.js'] });
    assert.equal(r.passed, false);
    assert.equal(r.findings[0].rule, 'failToPass/stillFails');
    assert.match(r.findings[0].message, /it exits 0 but named tests did not run: add adds/);
  });

  it('named tests (testNames) must be among those that ran', async () => {
    const { baseDir, branchDir } = pair({ 'src/math.js': MATH_FIXED });
    const r = await checkFailToPass({ ...common, baseDir, branchDir, command: ['node', '--test', 'test/add.test.js'], testNames: ['multiplies'] });
    assert.equal(r.passed, false);
    assert.equal(r.findings[0].rule, 'failToPass/inconclusive');
    assert.match(r.findings[0].message, /named tests did not run: multiplies/);
  });

  it('output no adapter recognises falls back to exit codes, with a warning saying so', async () => {
    const { baseDir, branchDir } = pair({ 'src/math.js': MATH_FIXED });
    const script = "process.exit(require('./src/math').add(2, 3) === 5 ? 0 : 1)";
    const r = await checkFailToPass({ ...common, baseDir, branchDir, command: ['node', '-e', script] });
    assert.equal(r.passed, true, JSON.stringify(r));
    assert.equal(r.findings[0]?.rule, 'failToPass/unreadOutput');
    assert.equal(r.findings[0]?.severity, 'warning');
  });
});

describe('engine/verify/missingModule', () => {
  it("tells a module the task adds from a missing build or package", () => {
    const added = ['src/mul.js', 'test/mul.test.js'];
    assert.equal(loadErrorIsAddedModule("Error: Cannot find module '../src/mul'", added), true);
    assert.equal(loadErrorIsAddedModule("Error: Cannot find module '../src/mul.js'", added), true);
    assert.equal(loadErrorIsAddedModule("Error: Cannot find module '../build/index.cjs'", added), false);
    assert.equal(loadErrorIsAddedModule("Error: Cannot find module 'left-pad'", added), false);
    assert.equal(loadErrorIsAddedModule('SyntaxError: Unexpected token', added), false);
    assert.equal(loadErrorIsAddedModule(undefined, added), false);
  });
});
