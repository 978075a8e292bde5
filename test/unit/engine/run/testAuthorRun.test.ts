import assert from 'node:assert/strict';
import { formatReport } from '../../../../extension/engine/run/report';
import { parsePolicy } from '../../../../extension/engine/policy/actionPolicy';
import { git } from '../../../fixtures/gitRepo';
import { eventsOf, PASS_VERDICT, planTask, report, runScenario, specWith, write, type RunResult } from './runHarness';

const VALUE_TEST = (name: string, expected: number) =>
  `const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { value } = require('../src/${name}');\ntest('${name} is ${expected}', () => assert.equal(value, ${expected}));\n`;
const OLD_TEST = "const test = require('node:test');\ntest('old still holds', () => {});\n";
const blocked = { name: 'report_result', arguments: { status: 'blocked', summary: 'cannot pass without changing the test', filesChanged: [], testsRun: [] } };

/**
 * Acceptance tests written before implementation (real threads, sandbox, simulator): a test author
 * per task writes the tests, Loom freezes only test files as the task's start commit, and the
 * implementor then works against that frozen copy.
 */
describe('a run whose acceptance tests are written by test authors', function () {
  this.timeout(240_000);
  let run: RunResult;

  before(async () => {
    const plan = {
      tasks: [
        planTask('honest', 'R1', ['src/honest.js'], 'test/honest.test.js', [], 'testAuthor'),
        planTask('tamper', 'R2', ['src/tamper.js'], 'test/old.test.js', [], 'testAuthor'),
        planTask('lazy', 'R3', ['src/lazy.js'], 'test/lazy.test.js', [], 'testAuthor'),
      ],
    };
    run = await runScenario({
      files: {
        'src/honest.js': 'module.exports = { value: 0 };\n',
        'src/tamper.js': 'module.exports = { value: 0 };\n',
        'src/lazy.js': 'module.exports = { value: 0 };\n',
        'test/old.test.js': OLD_TEST,
      },
      spec: specWith(['honest', 'tamper', 'lazy']),
      scenario: {
        name: 'test-authors',
        defaultLatencyMs: 10,
        agents: [
          { match: { role: 'coordinator' }, turns: [{ content: JSON.stringify(plan) }] },
          {
            // Writes the test, and also slips in the fix: only the test may survive.
            match: { role: 'testAuthor', task: 'honest' },
            turns: [{ toolCalls: [write('test/honest.test.js', VALUE_TEST('honest', 3)), write('src/honest.js', 'module.exports = { value: 3 };\n')] }, { toolCalls: [report('wrote the test')] }],
          },
          { match: { role: 'implementor', task: 'honest' }, turns: [{ toolCalls: [write('src/honest.js', 'module.exports = { value: 3 };\n')] }, { toolCalls: [report('value is 3', ['src/honest.js'])] }] },
          {
            // Adds its test to an existing test file.
            match: { role: 'testAuthor', task: 'tamper' },
            turns: [{ toolCalls: [write('test/old.test.js', `${OLD_TEST}const assert = require('node:assert/strict');\nconst { value } = require('../src/tamper');\ntest('tamper is 5', () => assert.equal(value, 5));\n`)] }, { toolCalls: [report('added a test')] }],
          },
          {
            // Takes the new test back out instead of fixing the code; its second attempt gives up.
            match: { role: 'implementor', task: 'tamper', attempt: 1 },
            turns: [{ toolCalls: [write('test/old.test.js', OLD_TEST)] }, { toolCalls: [report('tests pass', ['test/old.test.js'])] }],
          },
          { match: { role: 'implementor', task: 'tamper', attempt: 2 }, turns: [{ toolCalls: [blocked] }] },
          { match: { role: 'testAuthor', task: 'lazy' }, turns: [{ toolCalls: [report('nothing to test')] }] },
          { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
        ],
      },
      options: { concurrency: 3, policy: parsePolicy({ writeOutsideScope: 'allow' }, 'the test policy') },
    });
  });

  after(async () => {
    await run?.cleanup();
  });

  it('merges the honest task, with the frozen test and the fix, and nothing from the test author but the test', async () => {
    const status = Object.fromEntries(run.state.tasks.map((t) => [t.task.id, t.status]));
    assert.deepEqual(status, { honest: 'merged', tamper: 'failed', lazy: 'failed' }, formatReport(run.state));
    const freeze = eventsOf(run.events, 'tests/didFreeze').find((e) => e.taskId === 'honest')!;
    assert.deepEqual(freeze.files, ['test/honest.test.js']);
    assert.deepEqual(freeze.discarded, ['src/honest.js']);
    const implStart = run.events.find((e) => e.type === 'agent/didStart' && e.agentId === 'impl-honest-1')!;
    assert.ok(freeze.seq < implStart.seq, 'frozen before the implementor started');
    // The frozen commit holds only the test, on top of the base; the verifier's fail-to-pass ran against it.
    assert.equal(await git(run.repo.dir, 'diff', '--name-only', `${freeze.commit}^`, freeze.commit), 'test/honest.test.js');
    assert.equal(await git(run.repo.dir, 'show', `${freeze.commit}:src/honest.js`), 'module.exports = { value: 0 };');
    const f2p = eventsOf(run.events, 'verify/didCheck').find((c) => c.taskId === 'honest' && c.check.startsWith('failToPass'))!;
    assert.ok(f2p.passed, f2p.detail);
    assert.match(f2p.detail, /honest is 3/);
    const merged = run.state.integrationBranch!;
    assert.match(await git(run.repo.dir, 'show', `${merged}:test/honest.test.js`), /honest is 3/);
  });

  it('rejects an implementor that changes the frozen test in an existing test file, and runs the frozen copy', () => {
    const freeze = eventsOf(run.events, 'tests/didFreeze').find((e) => e.taskId === 'tamper')!;
    assert.deepEqual(freeze.files, ['test/old.test.js']);
    const verdicts = eventsOf(run.events, 'verify/didFinish').filter((v) => v.taskId === 'tamper');
    assert.equal(verdicts.length, 1);
    const rules = verdicts[0].findings.filter((f) => f.severity === 'error').map((f) => f.rule);
    assert.deepEqual(rules, ['tests/edited', 'failToPass/stillFails']);
    assert.match(verdicts[0].findings[0].message, /frozen acceptance test test\/old\.test\.js/);
  });

  it('fails a task whose test author wrote no test, before any implementor starts', () => {
    const lazy = run.state.tasks.find((t) => t.task.id === 'lazy')!;
    assert.match(lazy.failureReason ?? '', /the test author wrote no test files \(asked for test\/lazy\.test\.js\)/);
    assert.equal(eventsOf(run.events, 'agent/didStart').some((a) => a.agentId.startsWith('impl-lazy')), false);
  });
});
