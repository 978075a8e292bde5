import assert from 'node:assert/strict';
import { initialRunState, type AgentState, type RunState, type TaskState } from '../../../../extension/protocol/runState';
import { describeRunOutcome } from '../../../../extension/protocol/views/runOutcome';

const usage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 } as AgentState['usage'];

function coordinator(outcome: AgentState['outcome']): AgentState {
  return { agentId: 'coordinator-1', role: 'coordinator', taskId: null, status: 'finished', model: 'm', threadId: 1, budgetTokens: 1000, usage, modelCalls: 0, toolCalls: 0, outcome, startedAt: 1, endedAt: 2, mcpPids: [] };
}

function task(id: string, status: TaskState['status'], extra: Partial<TaskState> = {}): TaskState {
  return {
    task: { id, title: id, instructions: '', requirementIds: ['R1'], fileScope: ['src/**'], dependsOn: [], acceptance: [] } as unknown as TaskState['task'],
    status,
    attempts: 1,
    branch: null,
    headCommit: null,
    result: null,
    findings: [],
    reviews: [],
    checks: [],
    failureReason: null,
    mergedBy: null,
    waitingOn: null,
    startedAt: 1,
    endedAt: 2,
    ...extra,
  };
}

const run = (extra: Partial<RunState>): RunState => ({ ...initialRunState(), runId: 'r1', endedAt: 3, ...extra });

describe('describeRunOutcome: why a run ended and what to do next', () => {
  it('an endpoint the coordinator could not reach is a configuration error naming the URL, with what to check', () => {
    const outcome = describeRunOutcome(
      run({
        status: 'failed',
        agents: [coordinator({ kind: 'modelError', message: 'planning failed (network): could not reach the model endpoint at http://127.0.0.1:9/v1: fetch failed', next: 'escalate', errorKind: 'network' })],
      }),
    );
    assert.equal(outcome.kind, 'configuration');
    assert.match(outcome.cause ?? '', /http:\/\/127\.0\.0\.1:9\/v1/);
    assert.match(outcome.nextStep ?? '', /LOOM_BASE_URL/);
    assert.match(describeRunOutcome(run({ status: 'failed', agents: [coordinator({ kind: 'modelError', message: 'planning failed (auth): rejected', next: 'escalate', errorKind: 'auth' })] }), 'vscode').nextStep ?? '', /Set API Key/);
  });

  it('a plan that never validated says the validation errors, not a model problem', () => {
    const outcome = describeRunOutcome(run({ status: 'failed', planErrors: [['R2 is not covered'], ['R2 is not covered by any task']], agents: [coordinator({ kind: 'invalidResult', message: 'plan invalid', next: 'escalate' })] }));
    assert.equal(outcome.kind, 'plan');
    assert.match(outcome.cause ?? '', /failed validation 2 times: R2 is not covered by any task/);
  });

  it('failed tasks are named with their reasons and the kept worktrees are the next step', () => {
    const outcome = describeRunOutcome(
      run({
        status: 'failed',
        tasks: [
          task('t1', 'merged'),
          task('t2', 'failed', { failureReason: 'tests still fail: 2 of 5' }),
          task('t3', 'failed', { findings: [{ severity: 'error', rule: 'spec', message: 'divide by zero not handled', file: 'src/a.js', line: 3 } as TaskState['findings'][number]] }),
        ],
      }),
    );
    assert.equal(outcome.kind, 'tasks');
    assert.equal(outcome.headline, 'Run r1 failed: 1 of 3 tasks merged');
    assert.equal(outcome.cause, 't2 failed (tests still fail: 2 of 5); t3 failed (1 error finding: divide by zero not handled)');
    assert.match(outcome.nextStep ?? '', /loom clean r1/);
  });

  it('an escalated run says which question waits and the exact command that answers it', () => {
    const escalation = { type: 'escalation/didOpen', escalationId: 'esc-1', kind: 'conflict', question: 't1 and t2 both change src/index.js', options: ['ours', 'theirs', 'mergeAgent', 'manual'], taskIds: ['t1', 't2'], seq: 9, ts: 3, resolution: null } as unknown as RunState['escalations'][number];
    const outcome = describeRunOutcome(run({ status: 'escalated', escalations: [escalation], tasks: [task('t1', 'merged'), task('t2', 'conflicted')] }));
    assert.equal(outcome.kind, 'escalated');
    assert.equal(outcome.headline, 'Run r1 needs you: 1 question open (1 of 2 tasks merged)');
    assert.equal(outcome.nextStep, 'answer esc-1: loom resolve r1 esc-1 --choice ours|theirs|mergeAgent|manual');
  });

  it('a succeeded run points at bringing the result into the user branch, per surface', () => {
    const state = run({ status: 'succeeded', integrationBranch: 'loom/r1/integration', tasks: [task('t1', 'merged')] });
    assert.equal(describeRunOutcome(state).nextStep, 'the result is on loom/r1/integration; bring it into your branch with: loom merge r1');
    assert.match(describeRunOutcome(state, 'vscode').nextStep ?? '', /Merge Result into My Branch/);
    assert.equal(describeRunOutcome(state).cause, null);
  });

  it('a stopped run can be resumed', () => {
    const outcome = describeRunOutcome(run({ status: 'stopped', tasks: [task('t1', 'merged'), task('t2', 'waiting', { waitingOn: 'esc-1' })] }));
    assert.equal(outcome.cause, 't2 waits to start from the resolved integration branch');
    assert.equal(outcome.nextStep, 'continue it with: loom resume r1');
  });
});
