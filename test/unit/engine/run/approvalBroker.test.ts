import assert from 'node:assert/strict';
import { ApprovalBroker } from '../../../../extension/engine/run/approvalBroker';
import type { EventBody, RunEvent } from '../../../../extension/protocol/events';

describe('engine/run/approvalBroker', () => {
  it('a resumed run numbers its questions after the ones its journal already has, per kind, so no id is used twice', async () => {
    const events: RunEvent[] = [];
    const append = (body: EventBody): RunEvent => {
      const event = { ...body, seq: events.length, ts: Date.now() } as RunEvent;
      events.push(event);
      return event;
    };
    const broker = new ApprovalBroker({ append, timeoutMs: 60_000, journaledIds: ['approval-1', 'approval-3', 'budget-1', 'esc-2'] });
    try {
      void broker.request({ agentId: 'impl-a-2', taskId: 'a', action: { kind: 'command', argv: ['curl', 'example.com'] }, reason: 'not allowlisted' });
      void broker.request({ agentId: 'impl-a-2', taskId: 'a', action: { kind: 'extendBudget', taskId: 'a', usedTokens: 10, limitTokens: 10, extraTokens: 10 }, reason: 'budget' });
      assert.deepEqual(broker.open, ['approval-4', 'budget-2']);
    } finally {
      broker.dispose();
    }
  });
});
