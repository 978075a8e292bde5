import assert from 'node:assert/strict';
import { PASS_VERDICT, eventsOf, planTask, report, runScenario, specWith, write, type RunResult } from './runHarness';
import { git } from '../../../fixtures/gitRepo';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { journaledEscalations } from './journaledEscalations';
import { formatReport } from '../../../../extension/engine/run/report';

// Two tasks git merges cleanly (different files) that break each other: `area` uses helper.double,
// `triple` changes what double does. Each passes its own test on its branch; together area's fails.
const files = {
  'src/helper.js': 'exports.double = (x) => x * 2;\n',
  'test/area.test.js': "const test = require('node:test');\nconst assert = require('node:assert');\ntest('area doubles', () => assert.equal(require('../src/area.js').area(3), 6));\n",
  'test/helper.test.js': "const test = require('node:test');\nconst assert = require('node:assert');\ntest('double is now triple', () => assert.equal(require('../src/helper.js').double(2), 6));\n",
};

const plan = { tasks: [planTask('area', 'R1', ['src/area.js'], 'test/area.test.js'), planTask('triple', 'R2', ['src/helper.js'], 'test/helper.test.js')] };

function runWith(merger: 'fixes' | 'fails'): Promise<RunResult> {
  return runScenario({
    files,
    spec: specWith(['area', 'triple']),
    scenario: {
      name: `semantic-conflict-${merger}`,
      agents: [
        { match: { role: 'coordinator' }, turns: [{ content: JSON.stringify(plan) }] },
        { match: { role: 'implementor', task: 'area' }, turns: [{ toolCalls: [write('src/area.js', "const { double } = require('./helper');\nexports.area = (x) => double(x);\n")] }, { toolCalls: [report('area uses double', ['src/area.js'])] }] },
        { match: { role: 'implementor', task: 'triple' }, turns: [{ toolCalls: [write('src/helper.js', 'exports.double = (x) => x * 3;\n')] }, { toolCalls: [report('double triples', ['src/helper.js'])] }] },
        {
          match: { role: 'merger' },
          turns:
            merger === 'fixes'
              ? [{ toolCalls: [write('src/area.js', 'exports.area = (x) => x * 2;\n')] }, { toolCalls: [report('area no longer relies on double', ['src/area.js'])] }]
              : [{ toolCalls: [report('nothing to do', [])] }],
        },
        { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
      ],
    },
    options: { concurrency: 2 },
  });
}

describe('a semantic conflict in a run (clean textual merge, broken test)', function () {
  this.timeout(240_000);

  describe('a merge agent fixes it', () => {
    let run: RunResult;
    before(async () => (run = await runWith('fixes')));
    after(async () => run?.cleanup());

    it('both tasks merge without a textual conflict, then the checks run together on the integration branch catch it, bisected to the merge that broke it', () => {
      // Integration merges in plan order (area, then triple): triple's merge broke area's check.
      assert.deepEqual(eventsOf(run.events, 'merge/didMerge').slice(0, 2).map((e) => [e.taskId, e.tier]), [
        ['area', 'auto'],
        ['triple', 'auto'],
      ]);
      const semantic = eventsOf(run.events, 'conflict/didDetect').filter((c) => c.cause === 'semantic');
      assert.equal(semantic.length, 1, JSON.stringify(eventsOf(run.events, 'conflict/didDetect')));
      assert.equal(semantic[0].check, 'node --test test/area.test.js');
      assert.deepEqual(semantic[0].taskIds, ['triple', 'area']);
      assert.ok(semantic[0].mergeCommit && /^[0-9a-f]{40}$/.test(semantic[0].mergeCommit));
    });

    it('the merge agent repairs the integration head through the merge gate, and the run succeeds', async () => {
      assert.equal(run.state.status, 'succeeded', formatReport(run.state));
      const fixed = eventsOf(run.events, 'merge/didMerge')[2];
      assert.deepEqual([fixed.taskId, fixed.tier], ['area', 'mergeAgent']);
      const gate = eventsOf(run.events, 'verify/didCheck').filter((c) => c.check.startsWith('merge: node'));
      assert.deepEqual(gate.map((c) => [c.check, c.passed]).sort(), [
        ['merge: node --test test/area.test.js', true],
        ['merge: node --test test/helper.test.js', true],
      ]);
      assert.equal(await git(run.repo.dir, 'show', `loom/${run.state.runId}/integration:src/area.js`), 'exports.area = (x) => x * 2;');
      assert.deepEqual(eventsOf(run.events, 'escalation/didOpen').filter((e) => e.kind === 'conflict'), []);
    });
  });

  describe('the merge agent fails: a person is asked', () => {
    let run: RunResult;
    before(async () => (run = await runWith('fails')));
    after(async () => run?.cleanup());

    it('opens one semantic escalation with what the agent tried; the run waits for the person, and the report names it', () => {
      assert.equal(run.state.status, 'escalated', formatReport(run.state));
      const asked = eventsOf(run.events, 'escalation/didOpen').filter((e) => e.kind === 'conflict');
      assert.equal(asked.length, 1);
      assert.equal(asked[0].cause, 'semantic');
      assert.deepEqual(asked[0].options, ['mergeAgent', 'manual']);
      assert.match(asked[0].tried ?? '', /its result was refused: area's check `node --test test\/area\.test\.js` fails/);
      // The merged tasks stay merged: the question is about the integration branch.
      assert.deepEqual(run.state.tasks.map((t) => t.status), ['merged', 'merged']);
      assert.match(formatReport(run.state), /semantic/i);
    });

    it('ours/theirs are refused (nothing to take a side of); a fix by hand lands through the merge gate and the run succeeds', async () => {
      const { service, dispose } = journaledEscalations(run.loomHome, run.state.runId!);
      try {
        await assert.rejects(service.answer('esc-1', 'theirs', 'user'), /semantic conflict: both tasks are merged, so there is no side to take/);
        const answer = await service.answer('esc-1', 'manual', 'user');
        assert.equal(answer.kind, 'manualMergeStarted');
        const merge = answer.kind === 'manualMergeStarted' ? answer.merge : null!;
        // A fix that still breaks area's check is refused, naming it.
        writeFileSync(join(merge.worktree, 'src/area.js'), 'exports.area = (x) => x * 3;\n');
        await assert.rejects(service.completeManual('esc-1', 'user'), /area's check `node --test test\/area\.test\.js` fails on the merged files/);
        writeFileSync(join(merge.worktree, 'src/area.js'), 'exports.area = (x) => x * 2;\n');
        const done = await service.completeManual('esc-1', 'user');
        assert.equal(done.status, 'succeeded');
        assert.equal(await git(run.repo.dir, 'show', `loom/${run.state.runId}/integration:src/area.js`), 'exports.area = (x) => x * 2;');
        assert.equal(await git(run.repo.dir, 'show', `loom/${run.state.runId}/integration:src/helper.js`), 'exports.double = (x) => x * 3;');
      } finally {
        dispose();
      }
    });
  });
});
