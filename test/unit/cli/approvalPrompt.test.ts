import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { Emitter } from '../../../extension/base/emitter';
import { answerApprovals } from '../../../extension/cli/approvalPrompt';
import type { EventOf, RunEvent } from '../../../extension/protocol/events';

function approval(seq: number, escalationId: string): EventOf<'escalation/didOpen'> {
  return {
    seq,
    ts: 1_000,
    type: 'escalation/didOpen',
    escalationId,
    kind: 'approval',
    taskIds: ['t'],
    question: `impl-t-1 wants to run \`touch ${escalationId}\`. Approve it?`,
    options: ['approve', 'deny'],
    files: [],
    agentId: 'impl-t-1',
    action: { kind: 'command', argv: ['touch', escalationId] },
    expiresAt: Date.now() + 60_000,
  };
}

const tick = () => new Promise((r) => setTimeout(r, 30));

/** The terminal prompt of `loom run`, driven through streams: one question at a time, withdrawn when answered elsewhere. */
describe('cli/approvalPrompt', () => {
  it('asks each approval in turn, answers y/N, and withdraws one answered elsewhere', async () => {
    const events = new Emitter<RunEvent>();
    const answers: string[] = [];
    const printed: string[] = [];
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (d) => (shown += String(d)));
    const prompt = answerApprovals(
      {
        onDidEvent: events.event,
        resolveEscalation: async (id, choice, by) => {
          answers.push(`${id} ${choice} ${by}`);
          events.fire({ seq: 9, ts: 2_000, type: 'escalation/didResolve', escalationId: id, choice, by });
        },
      },
      'prompt',
      { print: (l) => printed.push(l), by: 'cli', input, output },
    );
    try {
      events.fire(approval(1, 'approval-1'));
      events.fire(approval(2, 'approval-2'));
      events.fire(approval(3, 'approval-3'));
      await tick();
      assert.match(shown, /APPROVAL approval-1: impl-t-1 wants to run `touch approval-1`\. Approve it\? \(denied in \d+ s without an answer\)\nApprove\? \[y\/N\] /);
      assert.doesNotMatch(shown, /approval-2/, 'one question at a time');
      input.write('y\n');
      await tick();
      // approval-2 times out while it is on screen: the question is withdrawn, nobody answers it here.
      events.fire({ seq: 10, ts: 3_000, type: 'escalation/didResolve', escalationId: 'approval-2', choice: 'deny', by: 'timeout' });
      await tick();
      input.write('\n');
      await tick();
      assert.deepEqual(answers, ['approval-1 approve cli', 'approval-3 deny cli']);
      assert.ok(printed.some((l) => /approval-2 was answered elsewhere: deny \(timeout\)/.test(l)), printed.join('\n'));
      assert.ok(printed.includes('approval-1: approved'));
      assert.ok(printed.includes('approval-3: denied'));
    } finally {
      prompt.dispose();
      events.dispose();
    }
  });

  it('--yes and --no answer at once, with a printed line', async () => {
    const events = new Emitter<RunEvent>();
    const answers: string[] = [];
    const printed: string[] = [];
    const auto = answerApprovals({ onDidEvent: events.event, resolveEscalation: async (id, choice, by) => answers.push(`${id} ${choice} ${by}`) }, 'deny', {
      print: (l) => printed.push(l),
      by: 'cli --no',
    });
    events.fire(approval(1, 'approval-1'));
    await tick();
    auto.dispose();
    assert.deepEqual(answers, ['approval-1 deny cli --no']);
    assert.match(printed[0], /^approval-1: denied automatically \(cli --no\): impl-t-1 wants to run/);
  });

  it('--yes never raises a limit: a budget or circuit-breaker question is answered stop at once, not left to the timeout', async () => {
    const events = new Emitter<RunEvent>();
    const answers: string[] = [];
    const printed: string[] = [];
    const auto = answerApprovals({ onDidEvent: events.event, resolveEscalation: async (id, choice, by) => answers.push(`${id} ${choice} ${by}`) }, 'approve', {
      print: (l) => printed.push(l),
      by: 'cli --yes',
    });
    events.fire({ ...approval(1, 'budget-1'), kind: 'budget', options: ['extend', 'stop'], question: 'The run has used 12,000 of its 12,000 tokens. Extend?', action: { kind: 'extendBudget', taskId: 't', usedTokens: 12_000, limitTokens: 12_000, extraTokens: 12_000 } });
    events.fire(approval(2, 'approval-1'));
    // A conflict is a person's question with no waiting agent: left alone.
    events.fire({ ...approval(3, 'esc-1'), kind: 'conflict', options: ['ours', 'theirs', 'mergeAgent', 'manual'], action: undefined, agentId: undefined });
    await tick();
    auto.dispose();
    assert.deepEqual(answers, ['budget-1 stop cli --yes', 'approval-1 approve cli --yes']);
    assert.match(printed[0], /^budget-1: answered stop \(nobody is here to raise a limit\) automatically \(cli --yes\)/);
  });
});
