import assert from 'node:assert/strict';
import { formatReport } from '../../../../extension/engine/run/report';
import { parsePolicy } from '../../../../extension/engine/policy/actionPolicy';
import type { ScenarioInput } from '../../../../extension/engine/simulator/scenarioSchema';
import { eventsOf, PASS_VERDICT, planTask, report, specWith, write } from './runHarness';
import { agentCost, answerEach, heavyScenario, startLiveRun, tokensBefore, type LiveRun } from './runLimitsHarness';

describe('run-wide limits (real threads, simulator)', function () {
  this.timeout(180_000);
  let live: LiveRun | undefined;
  afterEach(async () => {
    await live?.cleanup();
    live = undefined;
  });

  it('a run token budget opens a budget escalation before the call that would pass it; extended, the run goes on to the end', async () => {
    live = await startLiveRun({ files: { 'src/.keep': '' }, spec: specWith(['spendy']), scenario: heavyScenario(), options: () => ({ limits: { runTokens: 12_000 } }) });
    answerEach(live, 'budget', 'extend');
    const state = await live.done;
    assert.equal(state.status, 'succeeded', formatReport(state));
    const opened = eventsOf(live.events, 'escalation/didOpen').filter((e) => e.kind === 'budget');
    assert.ok(opened.length >= 1, 'the run budget was reached');
    assert.deepEqual(opened[0].options, ['extend', 'stop']);
    assert.match(opened[0].question, /the run used \d+ tokens of its 12000 tokens budget/);
    // Reached, not passed: what the calls before the question used fits in the budget.
    assert.ok(tokensBefore(live.events, opened[0].seq) <= 12_000, `spent ${tokensBefore(live.events, opened[0].seq)} before asking`);
    assert.ok(eventsOf(live.events, 'model/didRespond').some((e) => e.seq > opened[0].seq), 'calls continued after the extension');
    assert.ok(state.escalations.every((e) => e.resolution === 'extend'));
  });

  it('a run budget answered with stop ends the run as stopped, with no model call after the answer', async () => {
    live = await startLiveRun({ files: { 'src/.keep': '' }, spec: specWith(['spendy']), scenario: heavyScenario(), options: () => ({ limits: { runTokens: 12_000 } }) });
    answerEach(live, 'budget', 'stop');
    const state = await live.done;
    assert.equal(state.status, 'stopped', formatReport(state));
    const resolved = eventsOf(live.events, 'escalation/didResolve').find((e) => e.choice === 'stop')!;
    assert.ok(resolved, 'the question was answered stop');
    assert.equal(eventsOf(live.events, 'model/didRespond').filter((e) => e.seq > resolved.seq).length, 0);
    assert.ok(tokensBefore(live.events) <= 12_000, `spent ${tokensBefore(live.events)} of 12000`);
  });

  it('an agent dollar budget (prices from LOOM_HOME/prices.json) stops the agent within one capped call, and its task asks to extend', async () => {
    const prices = { 'loom-sim*': { input: 100, output: 400 } };
    const scenario: ScenarioInput = {
      name: 'dollars',
      agents: [
        { match: { role: 'coordinator' }, turns: [{ content: JSON.stringify({ tasks: [planTask('pricey', 'R1', ['src/**'], null)] }), usage: { inputTokens: 10, outputTokens: 10 } }] },
        {
          match: { role: 'implementor', task: 'pricey' },
          // Cheap prompts, long answers: $0.81 a call at these prices, so the second is cut to what $1 leaves.
          turns: [1, 2, 3, 4].map((n) => ({ toolCalls: [write(`src/${n}.js`, `${n};\n`)], usage: { inputTokens: 100, outputTokens: 2_000 } })),
        },
        { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
      ],
    };
    live = await startLiveRun({
      files: { 'src/.keep': '' },
      spec: specWith(['pricey']),
      scenario,
      homePrices: prices,
      options: () => ({ limits: { agentUsd: 1 }, policy: parsePolicy({ extendBudget: 'deny' }, 'test') }),
    });
    const state = await live.done;
    const started = eventsOf(live.events, 'run/didStart')[0];
    assert.deepEqual(started.settings?.prices?.['loom-sim*'], prices['loom-sim*'], 'the run used the prices in LOOM_HOME/prices.json');
    const end = eventsOf(live.events, 'agent/didFinish').find((f) => f.agentId === 'impl-pricey-1')!;
    assert.equal(end.outcome.kind, 'budgetExceeded', formatReport(state));
    assert.match(end.outcome.message, /dollar budget of \$1\.0000 reached/);
    const spent = agentCost(live.events, 'impl-pricey-1', 'loom-sim-1', prices);
    assert.ok(spent <= 1, `the agent spent $${spent.toFixed(4)} of $1`);
    assert.ok(spent > 0.81, 'the second call went, cut to what was left');
    const decision = state.policyDecisions.find((d) => d.action.kind === 'extendBudget')!;
    assert.equal(decision.outcome, 'denied');
    assert.equal(state.tasks[0].status, 'failed');
  });

  it('says at the start that a dollar budget cannot be enforced for an unpriced model, and does not count it as $0', async () => {
    live = await startLiveRun({
      files: { 'src/.keep': '' },
      spec: specWith(['local']),
      scenario: {
        name: 'unpriced',
        agents: [
          { match: { role: 'coordinator' }, turns: [{ content: JSON.stringify({ tasks: [planTask('local', 'R1', ['src/**'], null)] }) }] },
          { match: { role: 'implementor' }, turns: [{ toolCalls: [write('src/local.js', '1;\n')] }, { toolCalls: [report('wrote it', ['src/local.js'])] }] },
          { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
        ],
      },
      options: (url) => ({ endpoint: { baseUrl: url, model: 'llama3.1:8b', apiKey: 'k-test', timeoutMs: 5_000, maxRetries: 0, headers: [] }, limits: { runUsd: 0.000001 } }),
    });
    const state = await live.done;
    const warning = eventsOf(live.events, 'agent/didWarn').find((w) => w.kind === 'budget')!;
    assert.match(warning.message, /the dollar budget cannot be enforced for llama3\.1:8b: no price is known/);
    assert.ok(warning.seq < eventsOf(live.events, 'agent/didStart')[0].seq, 'said before the first agent starts');
    assert.equal(state.status, 'succeeded', formatReport(state));
    assert.match(formatReport(state), /unpriced/);
  });
});
