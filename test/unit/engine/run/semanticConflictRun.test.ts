import assert from 'node:assert/strict';
import { PASS_VERDICT, eventsOf, planTask, report, runScenario, specWith, write, type RunResult } from './runHarness';
import { formatReport } from '../../../../extension/engine/run/report';

// Two tasks git merges cleanly (different files) that break each other: `area` uses helper.double,
// `triple` changes what double does. Each passes its own test on its branch; together area's fails.
const files = {
  'src/helper.js': 'exports.double = (x) => x * 2;\n',
  'test/area.test.js': "const test = require('node:test');\nconst assert = require('node:assert');\ntest('area doubles', () => assert.equal(require('../src/area.js').area(3), 6));\n",
  'test/helper.test.js': "const test = require('node:test');\nconst assert = require('node:assert');\ntest('double is now triple', () => assert.equal(require('../src/helper.js').double(2), 6));\n",
};

describe('a semantic conflict in a run (clean textual merge, broken test)', function () {
  this.timeout(180_000);
  let run: RunResult;

  before(async () => {
    const plan = { tasks: [planTask('area', 'R1', ['src/area.js'], 'test/area.test.js'), planTask('triple', 'R2', ['src/helper.js'], 'test/helper.test.js')] };
    run = await runScenario({
      files,
      spec: specWith(['area', 'triple']),
      scenario: {
        name: 'semantic-conflict',
        agents: [
          { match: { role: 'coordinator' }, turns: [{ content: JSON.stringify(plan) }] },
          { match: { role: 'implementor', task: 'area' }, turns: [{ toolCalls: [write('src/area.js', "const { double } = require('./helper');\nexports.area = (x) => double(x);\n")] }, { toolCalls: [report('area uses double', ['src/area.js'])] }] },
          { match: { role: 'implementor', task: 'triple' }, turns: [{ toolCalls: [write('src/helper.js', 'exports.double = (x) => x * 3;\n')] }, { toolCalls: [report('double triples', ['src/helper.js'])] }] },
          { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
        ],
      },
      options: { concurrency: 2 },
    });
  });

  after(async () => {
    await run?.cleanup();
  });

  it('both tasks merge without a textual conflict, then the check run together on the integration branch catches it', () => {
    assert.deepEqual(eventsOf(run.events, 'merge/didMerge').map((e) => [e.taskId, e.tier]).sort(), [
      ['area', 'auto'],
      ['triple', 'auto'],
    ]);
    const semantic = eventsOf(run.events, 'conflict/didDetect').filter((c) => c.cause === 'semantic');
    assert.equal(semantic.length, 1, JSON.stringify(eventsOf(run.events, 'conflict/didDetect')));
    const [conflict] = semantic;
    assert.equal(conflict.check, 'node --test test/area.test.js');
    // Integration merges in plan order (area, then triple): bisected to triple's merge, which broke area's check.
    assert.deepEqual(eventsOf(run.events, 'merge/didMerge').map((e) => e.taskId), ['area', 'triple']);
    assert.deepEqual(conflict.taskIds, ['triple', 'area']);
    assert.ok(conflict.mergeCommit && /^[0-9a-f]{40}$/.test(conflict.mergeCommit));
  });

  it('the run does not call itself succeeded, and the report names the semantic conflict', () => {
    assert.equal(run.state.status, 'failed', formatReport(run.state));
    assert.match(formatReport(run.state), /semantic/i);
  });
});
