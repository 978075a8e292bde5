import assert from 'node:assert/strict';
import { RunGate, type RunLimits } from '../../../../extension/engine/run/runBudget';
import { ApprovalBroker } from '../../../../extension/engine/run/approvalBroker';
import { DEFAULT_ACTION_POLICY } from '../../../../extension/protocol/policy';
import { DEFAULT_PRICES } from '../../../../extension/protocol/pricing';
import type { EventBody, RunEvent } from '../../../../extension/protocol/events';

/** The gate on its own: a journal in memory, the real escalation service, no threads. */
function gate(limits: RunLimits) {
  const events: RunEvent[] = [];
  const journal = (body: EventBody): RunEvent => {
    const event = { ...body, seq: events.length, ts: Date.now() } as RunEvent;
    events.push(event);
    return event;
  };
  const approvals = new ApprovalBroker({ append: journal, timeoutMs: 60_000 });
  let stopped: string | null = null;
  const g = new RunGate({ limits, prices: DEFAULT_PRICES, baseUrl: 'http://model/v1', policy: DEFAULT_ACTION_POLICY, approvals, journal, stopRun: (why) => (stopped = why) });
  const opened = () => events.filter((e): e is Extract<RunEvent, { type: 'escalation/didOpen' }> => e.type === 'escalation/didOpen');
  return { g, approvals, opened, stopped: () => stopped, dispose: () => (g.dispose(), approvals.dispose()) };
}

const tick = () => new Promise((r) => setTimeout(r, 10));

describe('engine/run/runBudget (the run gate)', () => {
  it('parallel agents cannot pass the run budget together: a call waits for the one in flight, then gets what is left as its cap', async () => {
    const t = gate({ runTokens: 10_000 });
    const a = t.g.forAgent({ agentId: 'impl-a-1', model: 'gpt-4.1' });
    const b = t.g.forAgent({ agentId: 'impl-b-1', model: 'gpt-4.1' });
    assert.deepEqual(await a.admit({ promptTokens: 1_000, maxOutputTokens: 8_192 }), { maxOutputTokens: 8_192 });
    let bCap: number | null = null;
    const bAdmitted = b.admit({ promptTokens: 1_000, maxOutputTokens: 8_192 }).then((r) => (bCap = r.maxOutputTokens));
    await tick();
    assert.equal(bCap, null, 'b waits while a holds its reservation');
    a.settle({ usage: { inputTokens: 1_000, outputTokens: 500 } });
    await bAdmitted;
    assert.equal(bCap, 7_500, 'b may use what a left: 10000 - 1500 - its prompt');
    b.settle({ usage: { inputTokens: 1_000, outputTokens: 7_500 } });

    // Spent to the token: the next call of any agent asks a person first.
    const c = t.g.forAgent({ agentId: 'verify-a-1', model: 'gpt-4.1' });
    const cAdmitted = c.admit({ promptTokens: 1_000, maxOutputTokens: 8_192 });
    await tick();
    assert.equal(t.opened().length, 1);
    assert.equal(t.opened()[0].kind, 'budget');
    t.approvals.answer('budget-1', 'extend', 'tester');
    assert.deepEqual(await cAdmitted, { maxOutputTokens: 8_192 });
    t.dispose();
  });

  it('an agent that ends mid-call (a crashed worker never settles) gives its reservation back', async () => {
    const t = gate({ runTokens: 10_000 });
    const a = t.g.forAgent({ agentId: 'impl-a-1', model: 'gpt-4.1' });
    await a.admit({ promptTokens: 1_000, maxOutputTokens: 8_192 });
    const b = t.g.forAgent({ agentId: 'impl-b-1', model: 'gpt-4.1' }).admit({ promptTokens: 1_000, maxOutputTokens: 8_192 });
    await tick();
    t.g.agentEnded('impl-a-1', { kind: 'crashed', message: 'worker exited', next: 'retry' });
    assert.deepEqual(await b, { maxOutputTokens: 8_192 });
    t.dispose();
  });

  it('stop at a run budget refuses the waiting call and stops the run', async () => {
    const t = gate({ runUsd: 0.01 });
    const a = t.g.forAgent({ agentId: 'impl-a-1', model: 'gpt-4.1' });
    // $2 per million input: 4,000 prompt tokens are $0.008, leaving $0.002 for output at $8 per million.
    assert.deepEqual(await a.admit({ promptTokens: 4_000, maxOutputTokens: 8_192 }), { maxOutputTokens: 250 });
    a.settle({ usage: { inputTokens: 4_000, outputTokens: 250 } });
    const next = a.admit({ promptTokens: 100, maxOutputTokens: 8_192 });
    await tick();
    t.approvals.answer('budget-1', 'stop', 'tester');
    await assert.rejects(next, (err: Error & { kind?: string }) => err.kind === 'cancelled');
    assert.match(t.stopped() ?? '', /the run's budget of \$0\.01 is reached and was not extended \(tester\)/);
    t.dispose();
  });

  it('the breaker trips on failures in a row: calls and agent starts wait until resume', async () => {
    const t = gate({ breaker: { consecutiveFailures: 2 } });
    const a = t.g.forAgent({ agentId: 'impl-a-1', model: 'm' });
    await a.admit({ promptTokens: 10, maxOutputTokens: 100 });
    a.settle({ failed: 'server' });
    t.g.agentEnded('impl-b-1', { kind: 'crashed', message: 'boom', next: 'retry' });
    assert.equal(t.opened()[0]?.kind, 'circuitBreaker');
    let admitted = false;
    let started: boolean | null = null;
    const call = a.admit({ promptTokens: 10, maxOutputTokens: 100 }).then(() => (admitted = true));
    const start = t.g.beforeStart().then((ok) => (started = ok));
    await tick();
    assert.equal(admitted, false);
    assert.equal(started, null);
    t.approvals.answer('circuitBreaker-1', 'resume', 'tester');
    await call;
    await start;
    assert.equal(started, true);
    t.dispose();
  });
});
