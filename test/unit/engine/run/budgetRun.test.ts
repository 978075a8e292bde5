import assert from 'node:assert/strict';
import { formatReport } from '../../../../extension/engine/run/report';
import { parsePolicy } from '../../../../extension/engine/policy/actionPolicy';
import type { ScenarioInput } from '../../../../extension/engine/simulator/scenarioSchema';
import { eventsOf, PASS_VERDICT, planTask, report, runScenario, specWith, write, type RunResult } from './runHarness';

/** A task whose first attempt burns most of its 2,000-token budget; attempt 2 (after an extension) reports. */
function scenario(): ScenarioInput {
  const plan = { tasks: [{ ...planTask('spendy', 'R1', ['src/spendy.js'], null), budgetTokens: 2_000 }] };
  return {
    name: 'budget',
    agents: [
      { match: { role: 'coordinator' }, turns: [{ content: JSON.stringify(plan) }] },
      {
        match: { role: 'implementor', task: 'spendy', attempt: 1 },
        turns: [
          { toolCalls: [write('src/spendy.js', 'module.exports = 1;\n')], usage: { inputTokens: 1_000, outputTokens: 900 } },
          { toolCalls: [report('never reached: no budget left for this call')] },
        ],
      },
      { match: { role: 'implementor', task: 'spendy', attempt: 2 }, turns: [{ toolCalls: [report('done after the extension', ['src/spendy.js'])] }] },
      { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
    ],
  };
}

describe('a task that reaches its token budget (real threads, simulator)', function () {
  this.timeout(120_000);
  let run: RunResult | undefined;
  afterEach(async () => {
    await run?.cleanup();
    run = undefined;
  });

  it('asks to extend it instead of ending silently; extended, the agent resumes from its checkpoint with what is left, not a fresh budget', async () => {
    run = await runScenario({ files: { 'src/spendy.js': '' }, spec: specWith(['spendy']), scenario: scenario(), options: { policy: parsePolicy({ extendBudget: 'allow' }, 'test') } });
    assert.equal(run.state.tasks[0].status, 'merged', formatReport(run.state));
    const starts = eventsOf(run.events, 'agent/didStart').filter((a) => a.role === 'implementor');
    assert.deepEqual(starts.map((a) => a.agentId), ['impl-spendy-1', 'impl-spendy-2']);
    assert.equal(starts[0].budgetTokens, 2_000);
    const firstEnd = eventsOf(run.events, 'agent/didFinish').find((f) => f.agentId === 'impl-spendy-1')!;
    assert.equal(firstEnd.outcome.kind, 'budgetExceeded');
    const used = firstEnd.usage.inputTokens + firstEnd.usage.outputTokens;
    assert.ok(used <= 2_000, `attempt 1 used ${used} of 2000`);
    assert.equal(starts[1].budgetTokens, 4_000 - used, 'the resumed agent gets what is left of the extended budget');
    const decision = run.state.policyDecisions.find((d) => d.action.kind === 'extendBudget')!;
    assert.equal(decision.outcome, 'approved');
    assert.equal(decision.by, 'policy');
  });

  it('fails the task with the budget named when the extension is refused', async () => {
    run = await runScenario({ files: { 'src/spendy.js': '' }, spec: specWith(['spendy']), scenario: scenario(), options: { policy: parsePolicy({ extendBudget: 'deny' }, 'test') } });
    const task = run.state.tasks[0];
    assert.equal(task.status, 'failed');
    assert.match(task.failureReason ?? '', /token budget of 2000 reached \(\d+ used\) and not extended: the extension was refused \(policy\)/);
    assert.equal(eventsOf(run.events, 'agent/didStart').filter((a) => a.role === 'implementor').length, 1);
  });
});
