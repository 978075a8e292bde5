import assert from 'node:assert/strict';
import { formatReport } from '../../../../extension/engine/run/report';
import { cleanCommand } from '../../../../extension/cli/cleanCommand';
import { parsePolicy } from '../../../../extension/engine/policy/actionPolicy';
import { git } from '../../../fixtures/gitRepo';
import { eventsOf, PASS_VERDICT, planTask, report, runScenario, specWith, write, type RunResult } from './runHarness';

const failingTest = (name: string, expected: number) =>
  `const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { value } = require('../src/${name}');\ntest('${name}', () => assert.equal(value, ${expected}));\n`;

/**
 * Everything that goes wrong in one run: reward hacking, a test that proves nothing, a provider that
 * keeps failing. Each ends in a structured outcome, only descendants are blocked, and the good task merges.
 */
describe('a run where agents fail in different ways', function () {
  this.timeout(240_000);
  let run: RunResult;

  before(async () => {
    const plan = {
      tasks: [
        planTask('cheat', 'R1', ['src/cheat.js'], 'test/cheat.test.js'),
        planTask('after-cheat', 'R2', ['src/after.js'], null, ['cheat']),
        planTask('already', 'R3', ['src/already.js'], 'test/already.test.js'),
        planTask('broken-model', 'R4', ['src/broken.js'], null),
        planTask('good', 'R5', ['src/good.js'], 'test/good.test.js'),
      ],
    };
    run = await runScenario({
      files: {
        'src/cheat.js': 'module.exports = { value: 0 };\n',
        'test/cheat.test.js': failingTest('cheat', 42),
        'src/already.js': 'module.exports = { value: 1 };\n',
        'test/already.test.js': failingTest('already', 1),
        'src/good.js': 'module.exports = { value: 0 };\n',
        'test/good.test.js': failingTest('good', 7),
      },
      spec: specWith(['cheat', 'after cheat', 'already', 'broken model', 'good']),
      scenario: {
        name: 'failures',
        defaultLatencyMs: 20,
        agents: [
          { match: { role: 'coordinator' }, turns: [{ content: JSON.stringify(plan) }] },
          {
            // Makes its test pass by rewriting the test: both attempts do the same.
            match: { role: 'implementor', task: 'cheat' },
            turns: [{ toolCalls: [write('test/cheat.test.js', failingTest('cheat', 0))] }, { toolCalls: [report('the test passes now', ['test/cheat.test.js'])] }],
          },
          {
            match: { role: 'implementor', task: 'already' },
            turns: [{ toolCalls: [write('src/already.js', 'module.exports = { value: 1 }; // tidy\n')] }, { toolCalls: [report('tidied', ['src/already.js'])] }],
          },
          {
            // Five 500s: with two provider retries an attempt gets three, and the resume gets the rest.
            match: { role: 'implementor', task: 'broken-model' },
            turns: [1, 2, 3, 4, 5, 6].map(() => ({ fault: { kind: 'server' as const } })),
          },
          {
            match: { role: 'implementor', task: 'good' },
            turns: [{ toolCalls: [write('src/good.js', 'module.exports = { value: 7 };\n')] }, { toolCalls: [report('value is 7', ['src/good.js'])] }],
          },
          { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
        ],
      },
      // The cheating agent rewrites its test, outside its scope: that must reach the verifier, not wait on an approval.
      options: { concurrency: 3, policy: parsePolicy({ writeOutsideScope: 'allow' }, 'the test policy') },
    });
  });

  after(async () => {
    await run?.cleanup();
  });

  it('ends failed, with the independent good task merged', () => {
    assert.equal(run.state.status, 'failed', formatReport(run.state));
    const status = Object.fromEntries(run.state.tasks.map((t) => [t.task.id, t.status]));
    assert.deepEqual(status, { cheat: 'failed', 'after-cheat': 'blocked', already: 'failed', 'broken-model': 'failed', good: 'merged' });
  });

  it('flags an implementor that edits a test, and runs the pristine test instead', () => {
    const findings = eventsOf(run.events, 'verify/didFinish').filter((v) => v.taskId === 'cheat');
    assert.equal(findings.length, 2, 'verified twice: the findings went back to the implementor once');
    for (const f of findings) {
      assert.equal(f.passed, false);
      assert.ok(f.findings.some((x) => x.rule === 'tests/edited' && x.file === 'test/cheat.test.js'));
      assert.ok(f.findings.some((x) => x.rule === 'failToPass/stillFails'));
    }
    const second = eventsOf(run.events, 'agent/didStart').find((a) => a.agentId === 'impl-cheat-2');
    assert.ok(second, 'a second implementor attempt ran with the findings');
  });

  it('rejects a task whose test already passes on the base as not fail-to-pass', () => {
    const verdicts = eventsOf(run.events, 'verify/didFinish').filter((v) => v.taskId === 'already');
    assert.ok(verdicts.length >= 1);
    assert.ok(verdicts[0].findings.some((f) => f.rule === 'failToPass/alreadyPasses'));
    assert.match(run.state.tasks.find((t) => t.task.id === 'already')!.failureReason ?? '', /verification failed/);
  });

  it('blocks only the descendants of a failed task', () => {
    const block = eventsOf(run.events, 'task/didBlock');
    assert.deepEqual(block.map((b) => [b.taskId, b.blockedBy]), [['after-cheat', ['cheat']]]);
    assert.equal(eventsOf(run.events, 'agent/didStart').some((a) => a.taskId === 'after-cheat'), false);
  });

  it('retries provider faults, then resumes once, then fails the task with a structured reason', () => {
    const fails = eventsOf(run.events, 'model/didFail').filter((f) => f.taskId === 'broken-model');
    assert.ok(fails.some((f) => f.willRetry && f.errorKind === 'server'));
    assert.ok(fails.some((f) => !f.willRetry));
    const finishes = eventsOf(run.events, 'agent/didFinish').filter((f) => f.taskId === 'broken-model');
    assert.deepEqual(finishes.map((f) => f.outcome.kind), ['modelError', 'modelError']);
    assert.match(run.state.tasks.find((t) => t.task.id === 'broken-model')!.failureReason ?? '', /implementor modelError/);
  });

  it("keeps the failed tasks' leases for inspection, and removes a verified task's (its branch holds the result)", async () => {
    const { existsSync } = await import('node:fs');
    const leases = eventsOf(run.events, 'lease/didCreate');
    const failed = new Set(eventsOf(run.events, 'task/didFail').map((f) => f.taskId));
    assert.ok(leases.filter((l) => failed.has(l.taskId)).length >= 3);
    for (const lease of leases) assert.equal(existsSync(lease.path), failed.has(lease.taskId), `${lease.taskId}: ${lease.path}`);
    const removed = new Set(eventsOf(run.events, 'lease/didRemove').map((r) => r.path));
    for (const lease of leases.filter((l) => !failed.has(l.taskId))) assert.ok(removed.has(lease.path), `${lease.taskId}'s removal is journaled`);
  });

  it('removes them with loom clean, leaving no worktree registered', async () => {
    const { existsSync } = await import('node:fs');
    const lines: string[] = [];
    const code = await cleanCommand([run.state.runId!, '--repo', run.repo.dir, '--loom-home', run.loomHome], (l) => lines.push(l));
    assert.equal(code, 0);
    assert.match(lines.join('\n'), /Removed \d+ worktree/);
    for (const lease of eventsOf(run.events, 'lease/didCreate')) assert.equal(existsSync(lease.path), false);
    const list = await git(run.repo.dir, 'worktree', 'list', '--porcelain');
    assert.equal(list.split('\n').filter((l) => l.startsWith('worktree ')).length, 1);
  });
});
