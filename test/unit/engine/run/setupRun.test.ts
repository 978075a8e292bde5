import assert from 'node:assert/strict';
import { formatReport } from '../../../../extension/engine/run/report';
import { gitOut } from '../../../../extension/engine/workspace/git';
import { eventsOf, PASS_VERDICT, planTask, report, runScenario, specWith, write, type RunResult } from './runHarness';

/** A repository whose tests import a gitignored build output, as many real libraries' do. */
const FILES = {
  '.gitignore': 'build/\n',
  '.loom/setup': 'mkdir -p build\ncp src/triple.js build/triple.cjs\n',
  'src/triple.js': 'module.exports = (n) => n * 2;\n',
  'test/triple.test.js': "const test = require('node:test');\nconst assert = require('node:assert/strict');\ntest('triples', () => assert.equal(require('../build/triple.cjs')(3), 9));\n",
};

describe('a run with a setup recipe (.loom/setup; real sandbox, threads, simulator)', function () {
  this.timeout(120_000);
  let run: RunResult | undefined;
  after(async () => run?.cleanup());

  it('builds each lease and each verifier checkout before anything runs, so the fix is proven against its build; the build is never committed', async () => {
    const plan = { tasks: [planTask('triple', 'R1', ['src/triple.js'], 'test/triple.test.js')] };
    run = await runScenario({
      files: FILES,
      spec: specWith(['triple']),
      scenario: {
        name: 'setup',
        agents: [
          { match: { role: 'coordinator' }, turns: [{ content: JSON.stringify(plan) }] },
          {
            match: { role: 'implementor', task: 'triple' },
            turns: [
              // The lease was built before the agent started: the build output is there to run.
              { toolCalls: [{ name: 'run_command', arguments: { command: ['node', '-e', "console.log('built:', require('./build/triple.cjs')(3))"] } }] },
              { toolCalls: [write('src/triple.js', 'module.exports = (n) => n * 3;\n')] },
              { toolCalls: [report('triples', ['src/triple.js'])] },
            ],
          },
          { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
        ],
      },
    });
    const { state, events } = run;
    assert.equal(state.status, 'succeeded', formatReport(state));
    const setups = eventsOf(events, 'setup/didRun');
    assert.deepEqual(setups.map((e) => [e.taskId, e.purpose, e.passed]), [['triple', 'lease', true]]);
    const toolText = JSON.stringify(eventsOf(events, 'tool/didCall'));
    assert.match(toolText, /built: 6/, 'the agent ran the lease\'s build');
    const checks = state.tasks[0].checks.map((c) => `${c.passed ? 'PASS' : 'FAIL'} ${c.check}: ${c.detail}`);
    assert.ok(checks.some((c) => /^PASS setup \(branch checkout\)/.test(c)), checks.join('\n'));
    assert.ok(checks.some((c) => /^PASS setup \(start commit checkout\)/.test(c)), checks.join('\n'));
    assert.ok(checks.some((c) => /^PASS failToPass/.test(c)), checks.join('\n'));
    const tree = await gitOut(run.repo.dir, ['ls-tree', '-r', '--name-only', `loom/${state.runId}/integration`]);
    assert.ok(!tree.includes('build/'), tree);
  });
});
