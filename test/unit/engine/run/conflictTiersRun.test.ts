import assert from 'node:assert/strict';
import { PASS_VERDICT, eventsOf, planTask, report, runScenario, simulatedRunOptions, specWith, write, type RunResult } from './runHarness';
import { RunCoordinator } from '../../../../extension/engine/run/runCoordinator';
import { journaledEscalations } from './journaledEscalations';
import { startSimulator } from '../../../../extension/engine/simulator/simulatorServer';
import type { ScenarioInput } from '../../../../extension/engine/simulator/scenarioSchema';
import { git } from '../../../fixtures/gitRepo';
import { DEFAULT_ACTION_POLICY } from '../../../../extension/protocol/policy';

const ALLOW_OUTSIDE = { ...DEFAULT_ACTION_POLICY, writeOutsideScope: 'allow' as const };

// `left` and `right` both add a line to src/index.js (outside their scopes, allowed by the policy):
// a textual conflict. `both` depends on the two of them, so its start cannot be made from their heads.
const files = {
  // A setup recipe, as a repository with a build step has: it runs in every lease, the merge agent's too.
  '.loom/setup': 'mkdir -p build\necho ok > build/ready\n',
  '.gitignore': 'build/\n',
  'src/index.js': 'module.exports = {\n  base: 1,\n};\n',
  'test/left.test.js': "const test = require('node:test');\nconst assert = require('node:assert');\ntest('left', () => assert.equal(require('../src/left.js'), 'L'));\n",
  'test/right.test.js': "const test = require('node:test');\nconst assert = require('node:assert');\ntest('right', () => assert.equal(require('../src/right.js'), 'R'));\n",
  'test/both.test.js': "const test = require('node:test');\nconst assert = require('node:assert');\ntest('both', () => assert.equal(require('../src/both.js'), 'LR'));\n",
};
const plan = {
  tasks: [
    planTask('left', 'R1', ['src/left.js'], 'test/left.test.js'),
    planTask('right', 'R2', ['src/right.js'], 'test/right.test.js'),
    planTask('both', 'R3', ['src/both.js'], 'test/both.test.js', ['left', 'right']),
  ],
};
const goodMerge = 'module.exports = {\n  base: 1,\n  left: 1,\n  right: 1,\n};\n';

function scenario(merger: 'resolves' | 'fails'): ScenarioInput {
  return {
    name: `dependents-${merger}`,
    agents: [
      { match: { role: 'coordinator' }, turns: [{ content: JSON.stringify(plan) }] },
      { match: { role: 'implementor', task: 'left' }, turns: [{ toolCalls: [write('src/left.js', "module.exports = 'L';\n"), write('src/index.js', 'module.exports = {\n  base: 1,\n  left: 1,\n};\n')] }, { toolCalls: [report('left', ['src/left.js', 'src/index.js'])] }] },
      { match: { role: 'implementor', task: 'right' }, turns: [{ toolCalls: [write('src/right.js', "module.exports = 'R';\n"), write('src/index.js', 'module.exports = {\n  base: 1,\n  right: 1,\n};\n')] }, { toolCalls: [report('right', ['src/right.js', 'src/index.js'])] }] },
      { match: { role: 'implementor', task: 'both' }, turns: [{ toolCalls: [write('src/both.js', "module.exports = require('./left') + require('./right');\n")] }, { toolCalls: [report('both', ['src/both.js'])] }] },
      {
        match: { role: 'merger' },
        turns:
          merger === 'resolves'
            ? [{ toolCalls: [write('src/index.js', goodMerge)] }, { toolCalls: [report('kept both', ['src/index.js'])] }]
            : [{ toolCalls: [report('done', ['src/index.js'])] }],
      },
      { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
    ],
  };
}

const runWith = (merger: 'resolves' | 'fails') =>
  runScenario({ files, spec: specWith(['left', 'right', 'both']), scenario: scenario(merger), options: { concurrency: 3, policy: ALLOW_OUTSIDE } });

describe('conflict tiers in a run: merge agent first, a person last, dependents wait', function () {
  this.timeout(240_000);

  describe('the merge agent resolves the conflict', () => {
    let run: RunResult;
    before(async () => (run = await runWith('resolves')));
    after(async () => run?.cleanup());

    it('lands the pair through the merge agent, then starts the dependent from the resolved integration branch and merges it', async () => {
      assert.equal(run.state.status, 'succeeded', JSON.stringify(run.state.tasks.map((t) => [t.task.id, t.status, t.failureReason])));
      const tiers = Object.fromEntries(eventsOf(run.events, 'merge/didMerge').map((e) => [e.taskId, e.tier]));
      assert.deepEqual(tiers, { left: 'auto', right: 'mergeAgent', both: 'auto' });
      assert.deepEqual(eventsOf(run.events, 'escalation/didOpen').filter((e) => e.kind === 'conflict'), [], 'no person was asked');
      assert.deepEqual(eventsOf(run.events, 'setup/didRun').filter((e) => e.taskId === 'merge-esc-1').map((e) => e.passed), [true], 'the merge lease was set up like a task lease');
      assert.deepEqual(eventsOf(run.events, 'task/didFail'), [], 'the dependent did not fail');
      // It started after the merge agent's merge, from the integration branch that holds it.
      const lease = eventsOf(run.events, 'lease/didCreate').find((e) => e.taskId === 'both')!;
      const mergedRight = eventsOf(run.events, 'merge/didMerge').find((e) => e.taskId === 'right')!;
      assert.ok(lease.seq > mergedRight.seq);
      assert.equal(lease.startCommit, mergedRight.commit);
      const branch = `loom/${run.state.runId}/integration`;
      assert.equal(await git(run.repo.dir, 'show', `${branch}:src/index.js`), goodMerge.trimEnd());
      assert.match(await git(run.repo.dir, 'ls-tree', '-r', '--name-only', branch), /src\/both\.js/);
    });
  });

  describe('the merge agent fails: a person is asked once, and the dependent waits for the answer', () => {
    let run: RunResult;
    before(async () => (run = await runWith('fails')));
    after(async () => run?.cleanup());

    it('asks a person with what the merge agent tried; the dependent waits on that one question; the run ends escalated', () => {
      assert.equal(run.state.status, 'escalated');
      const asked = eventsOf(run.events, 'escalation/didOpen').filter((e) => e.kind === 'conflict');
      assert.equal(asked.length, 1, 'one escalation per conflict');
      assert.match(asked[0].tried ?? '', /merge agent \(merger-esc-1-1\) tried to merge right after left; its result was refused: conflict markers are left in src\/index\.js/);
      assert.match(asked[0].files[0].merged ?? '', /<<<<<<< /, 'what the agent left is shown');
      const waits = eventsOf(run.events, 'task/didWait');
      assert.deepEqual(waits.map((w) => [w.taskId, w.escalationId]), [['both', 'esc-1']]);
      assert.equal(run.state.tasks.find((t) => t.task.id === 'both')?.status, 'waiting');
      assert.deepEqual(eventsOf(run.events, 'task/didFail'), []);
    });

    it('after the person answers, loom resume starts the dependent from the resolved branch and merges it', async () => {
      const { service, state: stateNow, dispose } = journaledEscalations(run.loomHome, run.state.runId!);
      await service.answer('esc-1', 'theirs', 'user');
      dispose();
      const state = stateNow();
      assert.equal(state.status, 'stopped', 'paused for the waiting task, not done');

      const simulator = await startSimulator({ scenario: scenario('fails') });
      const coordinator = new RunCoordinator({ ...simulatedRunOptions({ repo: run.repo.dir, loomHome: run.loomHome, simulatorUrl: simulator.url }), runId: state.runId!, resume: true, policy: ALLOW_OUTSIDE });
      try {
        const resumed = await coordinator.run();
        assert.equal(resumed.status, 'succeeded', JSON.stringify(resumed.tasks.map((t) => [t.task.id, t.status, t.failureReason])));
        assert.equal(resumed.tasks.find((t) => t.task.id === 'both')?.mergedBy, 'auto');
      } finally {
        await coordinator.dispose();
        await simulator.close();
      }
    });
  });
});
