import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkFailToPass, checkLint, checkPassToPass } from '../../../../extension/engine/verify/failToPass';
import { MATH_FIXED, makeDirPair } from './fixtureRepo';

const ADD = ['node', '--test', 'test/add.test.js'];
const common = { timeoutMs: 30_000, allowlist: ['node'], reruns: 1 };

describe('engine/verify/failToPass', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));
  const pair = (files: Record<string, string | null>) => {
    const p = makeDirPair(files);
    cleanups.push(p.cleanup);
    return p;
  };

  it('passes a real fix: fails on base, passes on every branch run', async () => {
    const { baseDir, branchDir } = pair({ 'src/math.js': MATH_FIXED });
    const r = await checkFailToPass({ ...common, baseDir, branchDir, command: ADD });
    assert.equal(r.passed, true, r.detail);
    assert.deepEqual(r.findings, []);
    assert.match(r.detail, /branch: 2\/2 runs passed/);
  });

  it('rejects a test that already passes on base', async () => {
    const { baseDir, branchDir } = pair({ 'src/math.js': MATH_FIXED });
    const r = await checkFailToPass({ ...common, baseDir, branchDir, command: ['node', '--test', 'test/sub.test.js'], testFiles: ['test/sub.test.js'] });
    assert.equal(r.passed, false);
    assert.equal(r.findings.length, 1);
    assert.equal(r.findings[0].rule, 'failToPass/alreadyPasses');
    assert.equal(r.findings[0].severity, 'error');
    assert.equal(r.findings[0].file, 'test/sub.test.js');
  });

  it('reports a branch where the test still fails, with its output as evidence', async () => {
    const { baseDir, branchDir } = pair({});
    const r = await checkFailToPass({ ...common, baseDir, branchDir, command: ADD });
    assert.equal(r.passed, false);
    assert.equal(r.findings[0].rule, 'failToPass/stillFails');
    assert.match(r.findings[0].evidence ?? '', /add adds/);
    assert.match(r.findings[0].evidence ?? '', /exit 1/);
  });

  it('flags a command with mixed results on the branch as flaky, and stops at the first failing run', async () => {
    const { root, baseDir, branchDir } = pair({});
    // Outside both checkouts: fails on even calls, passes on odd ones (base = call 0 fails).
    const counter = path.join(root, 'counter');
    const script = path.join(root, 'flaky.js');
    fs.writeFileSync(
      script,
      "const fs = require('fs'); const f = process.argv[2];\n" +
        "const n = fs.existsSync(f) ? Number(fs.readFileSync(f, 'utf8')) : 0;\n" +
        'fs.writeFileSync(f, String(n + 1));\n' +
        "console.log('call ' + n); process.exit(n % 2 === 1 ? 0 : 1);\n",
    );
    const r = await checkFailToPass({ ...common, reruns: 2, baseDir, branchDir, command: ['node', script, counter] });
    assert.equal(r.passed, false);
    assert.equal(r.findings.length, 1);
    assert.equal(r.findings[0].rule, 'failToPass/flaky');
    assert.match(r.findings[0].message, /passed 1 of 2 runs/);
    // base (call 0), branch pass (1), branch fail (2): the third branch run would not change the verdict.
    assert.equal(fs.readFileSync(counter, 'utf8'), '3');
  });

  it('turns a command outside the allowlist into a finding, not a crash', async () => {
    const { baseDir, branchDir } = pair({});
    const r = await checkFailToPass({ ...common, baseDir, branchDir, command: ['bash', '-c', 'exit 1'] });
    assert.equal(r.passed, false);
    assert.equal(r.findings[0].rule, 'command/notAllowed');
    assert.equal(r.findings[0].severity, 'error');
    assert.match(r.findings[0].message, /"bash" is not on the command allowlist/);
  });

  it('reports a program that cannot start', async () => {
    const { baseDir, branchDir } = pair({});
    const r = await checkFailToPass({ ...common, allowlist: ['loom-no-such-runner'], baseDir, branchDir, command: ['loom-no-such-runner'] });
    assert.equal(r.passed, false);
    assert.equal(r.findings[0].rule, 'command/failedToStart');
  });

  it('checks pass-to-pass and lint commands by their exit code', async () => {
    const { branchDir } = pair({ 'src/math.js': MATH_FIXED });
    const ok = await checkPassToPass({ ...common, dir: branchDir, command: ['node', '--test', 'test/sub.test.js'] });
    assert.equal(ok.passed, true);
    const broken = await checkPassToPass({ ...common, dir: branchDir, command: ['node', '-e', 'process.exit(3)'] });
    assert.equal(broken.findings[0].rule, 'passToPass/fails');
    const lint = await checkLint({ ...common, dir: branchDir, command: ['node', '-e', "console.error('src/math.js:1 no-var'); process.exit(1)"] });
    assert.equal(lint.passed, false);
    assert.equal(lint.findings[0].rule, 'lint');
    assert.match(lint.findings[0].evidence ?? '', /no-var/);
    const lintNotAllowed = await checkLint({ ...common, dir: branchDir, command: ['eslint', '.'] });
    assert.equal(lintNotAllowed.findings[0].rule, 'command/notAllowed');
  });
});
