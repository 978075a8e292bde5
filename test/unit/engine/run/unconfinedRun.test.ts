import assert from 'node:assert/strict';
import { formatReport } from '../../../../extension/engine/run/report';
import { ActionPolicySchema } from '../../../../extension/protocol/policy';
import { eventsOf, PASS_VERDICT, planTask, report, runScenario, specWith, write, type RunResult } from './runHarness';

const NO_SANDBOX = { kind: 'none' as const, summary: 'no sandbox: turned off for this test', system: [], masked: [], readable: [] };

describe('a run with no sandbox (real threads, tool server, simulator)', function () {
  this.timeout(120_000);
  let run: RunResult | undefined;
  after(async () => run?.cleanup());

  it("says so at start, and the verifier does not run the implementor's tests on the host without an approval", async () => {
    const plan = { tasks: [planTask('seven', 'R1', ['src/seven.js'], 'test/seven.test.js')] };
    run = await runScenario({
      files: {
        'src/seven.js': 'module.exports = 0;\n',
        'test/seven.test.js': "require('node:test')('seven', () => require('node:assert').equal(require('../src/seven.js'), 7));\n",
      },
      spec: specWith(['seven']),
      scenario: {
        name: 'unconfined',
        agents: [
          { match: { role: 'coordinator' }, turns: [{ content: JSON.stringify(plan) }] },
          { match: { role: 'implementor', task: 'seven' }, turns: [{ toolCalls: [write('src/seven.js', 'module.exports = 7;\n')] }, { toolCalls: [report('seven', ['src/seven.js'])] }] },
          { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
        ],
      },
      // Nobody answers: each approval times out after a second, which counts as denied.
      options: { sandbox: NO_SANDBOX, policy: ActionPolicySchema.parse({ approvalTimeoutSeconds: 1 }) },
    });
    const started = eventsOf(run.events, 'run/didStart')[0];
    assert.match(started.sandbox ?? '', /^no sandbox: turned off for this test/);
    const asked = eventsOf(run.events, 'escalation/didOpen').filter((e) => e.kind === 'approval');
    assert.ok(asked.some((e) => e.agentId?.startsWith('verify-')), 'the verifier asked before running the check');
    const checks = eventsOf(run.events, 'verify/didCheck');
    assert.ok(checks.some((c) => c.check === 'approval' && !c.passed && /not approved/.test(c.detail)), JSON.stringify(checks));
    assert.ok(!checks.some((c) => c.check.startsWith('failToPass')), 'no test ran on the host');
    assert.notEqual(run.state.tasks[0].status, 'merged', formatReport(run.state));
  });
});
