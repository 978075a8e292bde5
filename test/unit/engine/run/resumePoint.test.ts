import assert from 'node:assert/strict';
import { resumePoint, ResumeError } from '../../../../extension/engine/run/resumePoint';
import type { EventBody, RunEvent } from '../../../../extension/protocol/events';
import { planTask } from './runHarness';

const stamp = (bodies: EventBody[]): RunEvent[] => bodies.map((b, seq) => ({ ...b, seq, ts: 1000 + seq }) as RunEvent);
const plan = { tasks: ['a', 'b', 'c', 'd'].map((id, i) => ({ ...planTask(id, `R${i + 1}`, [`src/${id}.js`], null), dependsOn: [] as string[], acceptance: [] })) };
const result = { status: 'done' as const, summary: 's', filesChanged: [], testsRun: [] };
const lease = (taskId: string) => ({ type: 'lease/didCreate' as const, taskId, purpose: 'implement' as const, branch: `loom/r/${taskId}`, path: `/w/${taskId}`, startCommit: `start-${taskId}` });
const impl = (taskId: string, attempt: number) => ({ type: 'agent/didStart' as const, agentId: `impl-${taskId}-${attempt}`, taskId, role: 'implementor' as const, threadId: 1, model: 'm', budgetTokens: 100, attempt });

describe('engine/run/resumePoint', () => {
  it('keeps finished tasks and merges, and says where each task in flight continues from', () => {
    const point = resumePoint(
      stamp([
        { type: 'run/didStart', runId: 'r', repo: '/repo', baseCommit: 'base', baseBranch: 'main', specPath: '/repo/SPEC.md', specRevision: 'x', model: 'm', concurrency: 3 },
        { type: 'plan/didAccept', plan },
        lease('a'),
        impl('a', 1),
        { type: 'task/didReport', taskId: 'a', result, headCommit: 'head-a' },
        { type: 'verify/didFinish', taskId: 'a', attempt: 1, passed: true, findings: [] },
        { type: 'task/didSucceed', taskId: 'a', headCommit: 'head-a' },
        { type: 'merge/didMerge', taskId: 'a', branch: 'loom/r/integration', commit: 'm1' },
        lease('b'),
        { type: 'agent/didStart', agentId: 'tests-b-1', taskId: 'b', role: 'testAuthor', threadId: 1, model: 'm', budgetTokens: 100, attempt: 1 },
        { type: 'model/didRespond', agentId: 'tests-b-1', taskId: 'b', model: 'm', turn: 1, startedAt: 0, durationMs: 1, usage: { inputTokens: 30, outputTokens: 5 }, finishReason: 'stop', content: 'x', toolCalls: [] },
        { type: 'tests/didFreeze', taskId: 'b', commit: 'frozen-b', files: ['test/b.test.js'], discarded: [] },
        impl('b', 1),
        { type: 'model/didRespond', agentId: 'impl-b-1', taskId: 'b', model: 'm', turn: 1, startedAt: 0, durationMs: 1, usage: { inputTokens: 100, outputTokens: 20 }, finishReason: 'tool_calls', content: null, toolCalls: [] },
        { type: 'checkpoint/didCommit', agentId: 'impl-b-1', taskId: 'b', turn: 2, commit: 'cp-b', messages: [{ role: 'user', content: 'go' }] },
        lease('c'),
        impl('c', 1),
        { type: 'task/didReport', taskId: 'c', result, headCommit: 'head-c' },
        { type: 'verify/didFinish', taskId: 'c', attempt: 1, passed: false, findings: [{ severity: 'error', rule: 'failToPass/stillFails', message: 'still fails' }] },
        lease('d'),
        impl('d', 1),
        { type: 'task/didReport', taskId: 'd', result, headCommit: 'head-d' },
      ]),
    );
    assert.equal(point.baseCommit, 'base');
    assert.deepEqual([...point.succeeded], [['a', 'head-a']]);
    assert.deepEqual([...point.merged], ['a']);
    assert.deepEqual([...point.inFlight.keys()], ['b', 'c', 'd']);
    const b = point.inFlight.get('b')!;
    assert.equal(b.frozenStart, 'frozen-b');
    assert.equal(b.checkpoint?.commit, 'cp-b');
    assert.equal(b.reported, null);
    assert.equal(b.spentTokens, 155, "the test author's and implementor's tokens still count after a resume");
    assert.equal(b.spentUsage.inputTokens + b.spentUsage.outputTokens, 155, 'split into input and output, for its dollars');
    assert.equal(b.authorAttempts, 1);
    const c = point.inFlight.get('c')!;
    assert.equal(c.reported, null, 'a failed verification sends the task back to an implementor');
    assert.deepEqual(c.findings.map((f) => f.rule), ['failToPass/stillFails'], 'with the findings, not the old conversation alone');
    assert.equal(c.verifyRounds, 1);
    assert.equal(point.inFlight.get('d')!.reported?.headCommit, 'head-d', 'a reported result is verified, not implemented again');
  });

  it('settles each effect a crash left between intent and completion: redone, rolled back with the lease, or in doubt and told to the next agent', () => {
    const will = (key: string, kind: 'lease' | 'checkpoint' | 'merge' | 'tool', taskId: string, server?: string) =>
      ({ type: 'effect/willApply' as const, key, kind, taskId, agentId: 'impl-b-1', what: `${kind} ${key}`, ...(server ? { server } : {}) });
    const point = resumePoint(
      stamp([
        { type: 'run/didStart', runId: 'r', repo: '/repo', baseCommit: 'base', baseBranch: 'main', specPath: '/repo/SPEC.md', specRevision: 'x', model: 'm', concurrency: 3 },
        { type: 'plan/didAccept', plan },
        will('lease:a', 'lease', 'a'),
        lease('a'),
        impl('a', 1),
        { type: 'task/didSucceed', taskId: 'a', headCommit: 'head-a' },
        will('merge:a', 'merge', 'a'),
        will('lease:b', 'lease', 'b'),
        lease('b'),
        impl('b', 1),
        will('tool:impl-b-1:1:c1', 'tool', 'b', 'loom'),
        { type: 'tool/didCall', agentId: 'impl-b-1', taskId: 'b', turn: 1, server: 'loom', tool: 'write_file', callId: 'c1', startedAt: 0, durationMs: 1, ok: true, summary: 'ok' },
        will('checkpoint:impl-b-1:1', 'checkpoint', 'b'),
        will('tool:impl-b-1:2:c2', 'tool', 'b', 'loom'),
        will('tool:impl-b-1:2:c3', 'tool', 'b', 'tracker'),
        will('lease:c', 'lease', 'c'),
      ]),
    );
    assert.deepEqual(
      point.unfinished.map((e) => `${e.key} ${e.resolution}`),
      ['merge:a redone', 'checkpoint:impl-b-1:1 rolledBack', 'tool:impl-b-1:2:c2 rolledBack', 'tool:impl-b-1:2:c3 inDoubt', 'lease:c redone'],
      'completed effects (lease a, lease b, the first write) are not listed',
    );
    assert.deepEqual(point.inFlight.get('b')!.inDoubt.map((e) => e.server), ['tracker'], 'only the call outside Loom\'s own server is in doubt');
  });

  it('refuses a journal without a run start', () => {
    assert.throws(() => resumePoint([]), ResumeError);
  });
});
