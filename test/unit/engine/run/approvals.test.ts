import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../../../extension/engine/simulator/simulatorServer';
import { RunCoordinator } from '../../../../extension/engine/run/runCoordinator';
import type { RunOptions } from '../../../../extension/engine/run/runOptions';
import { formatReport } from '../../../../extension/engine/run/report';
import { parsePolicy } from '../../../../extension/engine/policy/actionPolicy';
import type { RunEvent } from '../../../../extension/protocol/events';
import { CheckpointConversations } from '../../../../extension/protocol/checkpointConversation';
import type { RunState } from '../../../../extension/protocol/runState';
import type { ActionPolicyInput } from '../../../../extension/protocol/policy';
import { git, makeRepo, makeTempDir, type TempRepo } from '../../../fixtures/gitRepo';
import { eventsOf, requireBuild, simulatedRunOptions, specWith, touchScenario, waitFor } from './runHarness';

/**
 * Approvals (failure mode 8) through every real part: the agent's worker thread, its gate, Loom's
 * MCP tool server subprocess, the coordinator's approval escalation and the HTTP model simulator.
 * The agent runs `touch approved.txt`; `touch` is not on the allowlist (only `node` is).
 */
describe('approval escalations (real threads, MCP tool server, simulator)', function () {
  this.timeout(120_000);
  let repo: TempRepo;
  let home: { dir: string; cleanup: () => Promise<void> };
  let sim: Simulator;
  const COMMAND = ['touch', 'approved.txt'];

  beforeEach(async () => {
    requireBuild();
    repo = await makeRepo({ 'README.md': '# r\n', 'SPEC.md': specWith(['touchy']) });
    home = await makeTempDir('loom-approval-home-');
    sim = await startSimulator({ scenario: touchScenario() });
  });

  afterEach(async () => {
    await sim.close();
    await repo.cleanup();
    await home.cleanup();
  });

  function start(policy: ActionPolicyInput = {}, extra: Partial<RunOptions> = {}): { run: RunCoordinator; events: RunEvent[]; done: Promise<RunState> } {
    const run = new RunCoordinator({
      ...simulatedRunOptions({ repo: repo.dir, loomHome: home.dir, simulatorUrl: sim.url }),
      concurrency: 1,
      flakeReruns: 0,
      policy: parsePolicy(policy, 'the test policy'),
      ...extra,
    });
    const events: RunEvent[] = [];
    run.onDidEvent((e) => events.push(e));
    return { run, events, done: run.run() };
  }

  /** Once the first implementor has its tool result, the rest of the run (a retry after verification) is not the point: stop it. */
  async function afterFirstAgent(run: RunCoordinator, events: RunEvent[], done: Promise<RunState>): Promise<RunState> {
    await waitFor(() => eventsOf(events, 'agent/didFinish').some((e) => e.agentId === 'impl-touchy-1'));
    await run.stop();
    return done;
  }

  const leaseOf = (events: RunEvent[]) => eventsOf(events, 'lease/didCreate').find((e) => e.purpose === 'implement')!.path;
  const commandCall = (events: RunEvent[]) => eventsOf(events, 'tool/didCall').find((e) => e.tool === 'run_command');
  const opened = (events: RunEvent[]) => eventsOf(events, 'escalation/didOpen').filter((e) => e.kind === 'approval');

  it('the agent waits on an open approval; approving runs the command and its result reaches the model', async () => {
    const { run, events, done } = start();
    try {
      await waitFor(() => opened(events).length === 1);
      const [question] = opened(events);
      assert.equal(question.escalationId, 'approval-1');
      assert.deepEqual(question.action, { kind: 'command', argv: COMMAND });
      assert.equal(question.agentId, 'impl-touchy-1');
      assert.deepEqual(question.taskIds, ['touchy']);
      assert.deepEqual(question.options, ['approve', 'deny']);
      assert.match(question.question, /impl-touchy-1 \(task touchy\) wants to run `touch approved\.txt`: `touch` is not on the command allowlist \(node\)/);
      // The agent waits: the escalation stays open, the command has not run, the tool call has not returned.
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(run.state.escalations.find((e) => e.escalationId === 'approval-1')?.resolution, null);
      assert.equal(existsSync(join(leaseOf(events), 'approved.txt')), false, 'the command ran before approval');
      assert.equal(commandCall(events), undefined);
      assert.equal(run.state.status, 'running');

      await run.resolveEscalation('approval-1', 'approve', 'tester');
      const state = await done;
      assert.equal(state.status, 'succeeded', formatReport(state));
      const call = commandCall(events)!;
      assert.equal(call.ok, true, call.summary);
      assert.match(call.summary, /^\$ touch approved\.txt\nexit code: 0/);
      // The model's next prompt carried the command's result (the checkpoint holds the conversation).
      const checkpoints = new CheckpointConversations();
      const conversation = eventsOf(events, 'checkpoint/didCommit').map((c) => checkpoints.add(c.agentId, c)).at(-1)!;
      assert.ok(conversation.some((m) => m.role === 'tool' && /exit code: 0/.test(m.content ?? '')), JSON.stringify(conversation));
      assert.match(await git(repo.dir, 'ls-tree', '-r', '--name-only', `loom/${state.runId}/integration`), /^approved\.txt$/m);
      assert.deepEqual(
        state.policyDecisions.map((d) => [d.escalationId, d.outcome, d.by]),
        [['approval-1', 'approved', 'tester']],
      );
      assert.equal(state.escalations[0].resolution, 'approve');
      assert.match(formatReport(state), /impl-touchy-1: approved by tester \(approval-1\): run `touch approved\.txt`/);
    } finally {
      await run.dispose();
    }
  });

  it('denying returns a structured tool error to the agent, and the command never runs', async () => {
    const { run, events, done } = start();
    try {
      await waitFor(() => opened(events).length === 1);
      await run.resolveEscalation('approval-1', 'deny', 'tester');
      const state = await afterFirstAgent(run, events, done);
      const call = commandCall(events)!;
      assert.equal(call.ok, false);
      assert.match(call.summary, /^not approved: tester denied it \(approval-1\)\. You may not run `touch approved\.txt`/);
      assert.equal(existsSync(join(leaseOf(events), 'approved.txt')), false);
      assert.deepEqual(state.policyDecisions.map((d) => [d.outcome, d.by]).slice(0, 1), [['denied', 'tester']]);
      assert.equal(state.escalations[0].resolution, 'deny');
      // A second answer is refused: the later event would win, so nothing may be answered twice.
      await assert.rejects(run.resolveEscalation('approval-1', 'approve', 'tester'), /already resolved \(deny\)/);
    } finally {
      await run.dispose();
    }
  });

  it('an approval nobody answers is denied at its timeout, with a structured error', async () => {
    const { run, events, done } = start({ approvalTimeoutSeconds: 1 });
    try {
      const state = await afterFirstAgent(run, events, done);
      const [question] = opened(events);
      const resolved = eventsOf(events, 'escalation/didResolve')[0];
      assert.equal(resolved.by, 'timeout');
      assert.equal(resolved.choice, 'deny');
      const waited = resolved.ts - question.ts;
      assert.ok(waited >= 950 && waited < 5000, `waited ${waited} ms`);
      assert.ok(Math.abs(question.expiresAt! - question.ts - 1000) < 50, `expires ${question.expiresAt! - question.ts} ms after it opened`);
      const call = commandCall(events)!;
      assert.equal(call.ok, false);
      assert.match(call.summary, /^not approved: nobody answered approval-1 within 1 s, so it counts as denied/);
      assert.equal(existsSync(join(leaseOf(events), 'approved.txt')), false);
      assert.deepEqual(state.policyDecisions[0] && [state.policyDecisions[0].outcome, state.policyDecisions[0].by], ['denied', 'timeout']);
    } finally {
      await run.dispose();
    }
  });

  it('an action the policy denies never asks anyone: a tool error, journaled', async () => {
    const { run, events, done } = start({ commands: { programs: { touch: 'deny' } } });
    try {
      const state = await afterFirstAgent(run, events, done);
      assert.deepEqual(opened(events), []);
      const call = commandCall(events)!;
      assert.equal(call.ok, false);
      assert.match(call.summary, /^denied by Loom's policy: you may not run `touch approved\.txt` \(the policy names `touch`\)/);
      assert.equal(existsSync(join(leaseOf(events), 'approved.txt')), false);
      assert.deepEqual(
        state.policyDecisions.filter((d) => d.agentId === 'impl-touchy-1').map((d) => [d.outcome, d.by, d.escalationId]),
        [['denied', 'policy', null]],
      );
    } finally {
      await run.dispose();
    }
  });

  it('an allowed action does not ask: the policy can allow a program off the allowlist', async () => {
    const { run, events, done } = start({ commands: { programs: { touch: 'allow' } } });
    try {
      const state = await done;
      assert.deepEqual(opened(events), []);
      assert.equal(commandCall(events)!.ok, true);
      assert.deepEqual(state.policyDecisions, []);
    } finally {
      await run.dispose();
    }
  });

  it('without a sandbox even an allowlisted command waits on approval', async () => {
    const { run, events, done } = start({ commands: { programs: { touch: 'allow' } } }, { sandbox: { kind: 'none', summary: 'no sandbox: turned off for this test', system: [], masked: [], readable: [] } });
    try {
      await waitFor(() => opened(events).length === 1);
      assert.deepEqual(opened(events)[0].action, { kind: 'command', argv: COMMAND });
      await run.resolveEscalation('approval-1', 'approve', 'tester');
      assert.equal((await done).status, 'succeeded');
    } finally {
      await run.dispose();
    }
  });

  it('stopping the agent ends its wait: the approval is closed as denied, nothing hangs', async () => {
    const { run, events, done } = start();
    try {
      await waitFor(() => opened(events).length === 1);
      assert.equal(await run.stopAgent('impl-touchy-1'), true);
      const state = await done;
      assert.equal(state.escalations[0].resolution, 'deny');
      assert.equal(eventsOf(events, 'escalation/didResolve')[0].by, 'agentStopped');
      assert.equal(state.agents.find((a) => a.agentId === 'impl-touchy-1')?.outcome?.kind, 'stopped');
      assert.equal(existsSync(join(leaseOf(events), 'approved.txt')), false);
    } finally {
      await run.dispose();
    }
  });

  it('stopping the run ends the wait too', async () => {
    const { run, events, done } = start();
    try {
      await waitFor(() => opened(events).length === 1);
      await run.stop();
      const state = await done;
      assert.equal(state.status, 'stopped');
      assert.equal(state.escalations[0].resolution, 'deny');
      assert.ok(['runStopped', 'agentStopped'].includes(eventsOf(events, 'escalation/didResolve')[0].by));
    } finally {
      await run.dispose();
    }
  });
});
