import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CheckReport } from '../../../../extension/engine/verify/checkReport';
import type { JudgmentRound } from '../../../../extension/engine/verify/judgment';
import { verifyTask, type VerifyTaskInput } from '../../../../extension/engine/verify/verifyTask';
import { detectSandbox } from '../../../../extension/engine/sandbox/detectSandbox';
import type { Task } from '../../../../extension/protocol/plan';
import { ADD_TEST, MATH_FIXED, makeFixtureRepo, type FixtureRepo } from './fixtureRepo';
import { ScriptedProvider } from './scriptedProvider';
import { SPEC, TASK } from './specFixture';

const ADD_CHECK = { kind: 'failToPass' as const, command: ['node', '--test', 'test/add.test.js'], testFiles: ['test/add.test.js'], testsBy: 'spec' as const };
const SECRET = 'IMPLEMENTOR-REASONING-7f3a';

describe('engine/verify/verifyTask', () => {
  let fx: FixtureRepo;
  beforeEach(() => {
    fx = makeFixtureRepo();
  });
  afterEach(() => fx.cleanup());

  function input(head: string, task: Partial<Task> = {}, rest: Partial<VerifyTaskInput> = {}): VerifyTaskInput {
    return {
      spec: SPEC,
      task: { ...TASK, acceptance: [ADD_CHECK], ...task },
      result: { status: 'done', summary: `I fixed it. ${SECRET}`, filesChanged: ['src/math.js'], testsRun: ['node --test'] },
      repo: fx.repo,
      startCommit: fx.start,
      headCommit: head,
      scratchDir: fx.scratchDir,
      commandAllowlist: ['node', 'npm', 'npx'],
      lintCommand: null,
      flakeReruns: 1,
      commandTimeoutMs: 30_000,
      ...rest,
    };
  }

  function assertCleanedUp(): void {
    assert.equal(fx.worktreeCount(), 1, fx.git('worktree', 'list'));
    assert.deepEqual(fs.readdirSync(fx.scratchDir), []);
  }

  it('passes a real fix, reports each check in order, then asks the judge without the implementor reasoning', async () => {
    const head = fx.branch('loom/r1/fix-add', { 'src/math.js': MATH_FIXED });
    const provider = new ScriptedProvider(['{"verdict":"pass","findings":[]}']);
    const seen: CheckReport[] = [];
    const rounds: JudgmentRound[] = [];
    const out = await verifyTask(input(head, {}, { lintCommand: ['node', '-e', 'process.exit(0)'] }), {
      provider,
      onCheck: (c) => seen.push(c),
      onResponse: (r) => rounds.push(r),
    });
    assert.equal(out.passed, true, JSON.stringify(out, null, 2));
    assert.equal(out.judged, true);
    assert.deepEqual(
      out.checks.map((c) => c.check),
      ['testEdits', 'pristineTests', 'failToPass: node --test test/add.test.js', 'lint: node -e process.exit(0)', 'scope', 'claims', 'judgment'],
    );
    assert.deepEqual(seen, out.checks);
    assert.ok(out.checks.every((c) => c.passed));
    assert.equal(rounds.length, 1);
    const sent = JSON.stringify(provider.requests[0].messages);
    assert.ok(!sent.includes(SECRET), 'the judge must not see the implementor summary');
    assert.match(sent, /\+exports\.add = \(a, b\) => a \+ b;/);
    assert.deepEqual(out.usage, { inputTokens: 100, outputTokens: 10 });
    assertCleanedUp();
  });

  it('rejects a test that already passes on base, and skips the judgment', async () => {
    const head = fx.branch('loom/r1/sub', { 'src/math.js': MATH_FIXED });
    const provider = new ScriptedProvider([]);
    const out = await verifyTask(input(head, { acceptance: [{ kind: 'failToPass', command: ['node', '--test', 'test/sub.test.js'], testFiles: [], testsBy: 'spec' }] }), { provider });
    assert.equal(out.passed, false);
    assert.deepEqual(out.findings.filter((f) => f.severity === 'error').map((f) => f.rule), ['failToPass/alreadyPasses']);
    assert.equal(out.judged, false);
    assert.equal(provider.requests.length, 0);
    assertCleanedUp();
  });

  it('flags a task that edits the test to pass, and runs the pristine copy (which still fails)', async () => {
    const head = fx.branch('loom/r1/hack', { 'test/add.test.js': ADD_TEST.replace('add(2, 3), 5', 'add(2, 3), -1') });
    const out = await verifyTask(input(head, {}, { result: { status: 'done', summary: 's', filesChanged: ['test/add.test.js'], testsRun: [] } }));
    assert.equal(out.passed, false);
    const rules = out.findings.filter((f) => f.severity === 'error').map((f) => f.rule);
    assert.deepEqual(rules, ['tests/edited', 'failToPass/stillFails']);
    const edited = out.findings.find((f) => f.rule === 'tests/edited');
    assert.equal(edited?.file, 'test/add.test.js');
    assert.equal(edited?.line, 4);
    assert.match(out.checks.find((c) => c.check === 'pristineTests')?.detail ?? '', /restored test\/add\.test\.js/);
    // The branch's own (edited) test would pass: the failure proves the verifier ran its own copy.
    assert.match(out.findings.find((f) => f.rule === 'failToPass/stillFails')?.evidence ?? '', /add adds/);
    assertCleanedUp();
  });

  it('warns about changes outside the file scope without failing', async () => {
    const head = fx.branch('loom/r1/scope', { 'src/math.js': MATH_FIXED, 'README.md': '# changed\n' });
    const out = await verifyTask(input(head, {}, { result: { status: 'done', summary: 's', filesChanged: ['src/math.js', 'README.md'], testsRun: [] } }));
    assert.equal(out.passed, true);
    assert.deepEqual(out.findings.map((f) => [f.rule, f.severity, f.file]), [['scope/outside', 'warning', 'README.md']]);
    assert.equal(out.judged, false, 'no provider, no judgment');
    assertCleanedUp();
  });

  it('checks handoff claims against the branch', async () => {
    const head = fx.branch('loom/r1/claims', { 'src/math.js': MATH_FIXED });
    const mismatch = await verifyTask(input(head, {}, { result: { status: 'done', summary: 's', filesChanged: ['src/math.js', 'src/other.js'], testsRun: [] } }));
    assert.equal(mismatch.passed, true);
    assert.deepEqual(mismatch.findings.map((f) => [f.rule, f.severity, f.file]), [['claim/mismatch', 'warning', 'src/other.js']]);

    const empty = fx.branch('loom/r1/empty', {});
    const nothing = await verifyTask(input(empty, { acceptance: [] }));
    assert.equal(nothing.passed, false);
    assert.ok(nothing.findings.some((f) => f.rule === 'claim/mismatch' && f.severity === 'error'));
    assertCleanedUp();
  });

  it('turns a command outside the allowlist into a finding, not a crash', async () => {
    const head = fx.branch('loom/r1/bash', { 'src/math.js': MATH_FIXED });
    const out = await verifyTask(input(head, { acceptance: [{ kind: 'passToPass', command: ['bash', '-c', 'rm -rf /'] }] }));
    assert.equal(out.passed, false);
    const f = out.findings.find((x) => x.rule === 'command/notAllowed');
    assert.match(f?.message ?? '', /"bash" is not on the command allowlist \(node, npm, npx\)/);
    assert.equal(out.checks.find((c) => c.check.startsWith('passToPass'))?.passed, false);
    assertCleanedUp();
  });

  it("runs its checks in the sandbox with the repository's node_modules copy-on-write, leaving the original untouched", async () => {
    fs.mkdirSync(path.join(fx.repo, 'node_modules/dep'), { recursive: true });
    fs.writeFileSync(path.join(fx.repo, 'node_modules/dep/index.js'), 'module.exports = 42;\n');
    const head = fx.branch('loom/r1/dep', { 'src/math.js': MATH_FIXED });
    // The check sees the dependency, then scribbles over it: only its own view changes.
    const check = "if (require('dep') !== 42) process.exit(1); require('fs').writeFileSync('node_modules/dep/index.js', 'module.exports = 0;')";
    const sandbox = { spec: detectSandbox(), runId: 'r1', agentId: 'verify-t-1' };
    assert.equal(sandbox.spec.kind, 'bubblewrap', sandbox.spec.summary);
    const out = await verifyTask(input(head, { acceptance: [{ kind: 'passToPass', command: ['node', '-e', check] }] }, { sandbox }));
    assert.equal(out.passed, true, JSON.stringify(out.findings));
    assert.equal(fs.readFileSync(path.join(fx.repo, 'node_modules/dep/index.js'), 'utf8'), 'module.exports = 42;\n');
    assertCleanedUp();
  });

  it('runs a shell acceptance command (sh -c) inside the sandbox, and refuses it unconfined', async () => {
    const head = fx.branch('loom/r1/sh', { 'src/math.js': MATH_FIXED });
    const check = { kind: 'passToPass' as const, command: ['sh', '-c', 'test -f src/math.js && echo "$CI"'] };
    const sandbox = { spec: detectSandbox(), runId: 'r1', agentId: 'verify-t-1' };
    const confined = await verifyTask(input(head, { acceptance: [check] }, { sandbox }));
    assert.equal(confined.checks.find((c) => c.check.startsWith('passToPass'))?.passed, true, JSON.stringify(confined.findings));
    const unconfined = await verifyTask(input(head, { acceptance: [check] }));
    assert.ok(unconfined.findings.some((f) => f.rule === 'command/notAllowed'));
    assertCleanedUp();
  });

  it('without a sandbox, the checkouts get no dependencies (never a link into the user\'s checkout)', async () => {
    fs.mkdirSync(path.join(fx.repo, 'node_modules/dep'), { recursive: true });
    fs.writeFileSync(path.join(fx.repo, 'node_modules/dep/index.js'), 'module.exports = 42;\n');
    const head = fx.branch('loom/r1/nodep', { 'src/math.js': MATH_FIXED });
    const out = await verifyTask(input(head, { acceptance: [{ kind: 'passToPass', command: ['node', '-e', "require('dep')"] }] }));
    assert.equal(out.passed, false);
    assert.match(JSON.stringify(out.findings), /Cannot find module 'dep'/);
    assertCleanedUp();
  });

  it('removes its worktrees when something throws', async () => {
    const head = fx.branch('loom/r1/throw', { 'src/math.js': MATH_FIXED });
    await assert.rejects(verifyTask(input(head), { provider: new ScriptedProvider([new Error('provider down')]) }), /provider down/);
    assertCleanedUp();
    await assert.rejects(verifyTask(input('0000000000000000000000000000000000000000')));
    assert.equal(fx.worktreeCount(), 1);
  });

  it('stops on cancellation before running anything', async () => {
    const head = fx.branch('loom/r1/cancel', { 'src/math.js': MATH_FIXED });
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(verifyTask(input(head), { signal: controller.signal }), { name: 'CancelledError' });
  });

  it('kills a running check on cancellation and still removes its worktrees', async () => {
    const head = fx.branch('loom/r1/hang', { 'src/math.js': MATH_FIXED });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 800);
    const t0 = Date.now();
    await assert.rejects(
      verifyTask(input(head, { acceptance: [{ kind: 'passToPass', command: ['node', '-e', 'setInterval(() => {}, 1000)'] }] }), { signal: controller.signal }),
      { name: 'CancelledError' },
    );
    assert.ok(Date.now() - t0 < 10_000);
    assertCleanedUp();
  });
});
