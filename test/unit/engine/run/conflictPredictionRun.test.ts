import assert from 'node:assert/strict';
import type { RunEvent } from '../../../../extension/protocol/events';
import type { RunState } from '../../../../extension/protocol/runState';
import { ActionPolicySchema } from '../../../../extension/protocol/policy';
import type { ScenarioInput } from '../../../../extension/engine/simulator/scenarioSchema';
import { startSimulator, type SimulatorRequest } from '../../../../extension/engine/simulator/simulatorServer';
import { RunCoordinator } from '../../../../extension/engine/run/runCoordinator';
import type { PredictedConflictPolicy } from '../../../../extension/engine/run/runOptions';
import { readJournal } from '../../../../extension/engine/journal/journalReader';
import { formatReport } from '../../../../extension/engine/run/report';
import { makeRepo, makeTempDir } from '../../../fixtures/gitRepo';
import { edit, THREE_FUNCTIONS } from '../../../fixtures/threeFunctions';
import { eventsOf, PASS_VERDICT, planTask, report, requireBuild, simulatedRunOptions, specWith, write } from './runHarness';

const call = (name: string, args: Record<string, unknown> = {}) => ({ name, arguments: args });

/**
 * Two tasks in parallel (disjoint file scopes, so the scheduler does not sequence them) whose agents
 * both edit `beta` in src/calc.js. a edits it at once and then thinks for a while; b edits it a little
 * later, thinks, and then (as a told agent would) gives `beta` back and edits `gamma` instead.
 */
function scenario(): ScenarioInput {
  const plan = { tasks: [planTask('a', 'R1', ['src/a.js'], null), planTask('b', 'R2', ['src/b.js'], null)] };
  return {
    name: 'predicted-conflict',
    agents: [
      { match: { role: 'coordinator' }, turns: [{ content: JSON.stringify(plan) }] },
      {
        match: { role: 'implementor', task: 'a' },
        turns: [
          { toolCalls: [write('src/calc.js', edit({ 8: '  const a = x - 10;' }))] },
          { latencyMs: 4000, toolCalls: [call('list_files')] },
          { toolCalls: [report('a changed beta', ['src/calc.js'])] },
        ],
      },
      {
        match: { role: 'implementor', task: 'b' },
        turns: [
          { latencyMs: 1000, toolCalls: [write('src/calc.js', edit({ 8: '  const a = x - 20;', 9: '  const b = a / 4;' }))] },
          { latencyMs: 3000, toolCalls: [call('list_files')] },
          { toolCalls: [write('src/calc.js', edit({ 15: '  const b = a % 11;' }))] },
          { toolCalls: [report('b changed gamma', ['src/calc.js'])] },
        ],
      },
      { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
    ],
  };
}

interface ObservedRun {
  state: RunState;
  events: RunEvent[];
  requests: readonly SimulatorRequest[];
}

async function runObserved(policy: PredictedConflictPolicy): Promise<ObservedRun> {
  requireBuild();
  const repo = await makeRepo({ 'src/calc.js': THREE_FUNCTIONS, 'src/a.js': '', 'src/b.js': '', 'SPEC.md': specWith(['a', 'b']) });
  const home = await makeTempDir('loom-home-');
  // The simulator keeps every request's body: what each agent's model was sent.
  const simulator = await startSimulator({ scenario: scenario(), recordBodies: true });
  const coordinator = new RunCoordinator({
    ...simulatedRunOptions({ repo: repo.dir, loomHome: home.dir, simulatorUrl: simulator.url, model: simulator.scenario.model }),
    concurrency: 2,
    policy: ActionPolicySchema.parse({ writeOutsideScope: 'allow' }),
    onPredictedConflict: policy,
  });
  try {
    const state = await coordinator.run();
    return { state, events: readJournal(coordinator.journalPath).events, requests: [...simulator.requests] };
  } finally {
    await coordinator.dispose();
    await simulator.close();
    await repo.cleanup();
    await home.cleanup();
  }
}

/** The user messages of a request body that are Loom notices. */
function noticesIn(request: SimulatorRequest): string[] {
  const body = JSON.parse(request.body ?? '{}') as { messages?: { role: string; content: unknown }[] };
  return (body.messages ?? []).filter((m) => m.role === 'user' && typeof m.content === 'string' && m.content.startsWith('Loom notice')).map((m) => m.content as string);
}

describe('continuous conflict prediction in a run', function () {
  this.timeout(240_000);

  describe('tell (the default)', () => {
    let run: ObservedRun;
    before(async () => {
      run = await runObserved('tell');
    });

    it('predicts the overlap while both agents are running, with the lines of beta both change', () => {
      const predicted = eventsOf(run.events, 'conflict/didPredict');
      assert.equal(predicted.length, 1, JSON.stringify(predicted));
      const [p] = predicted;
      assert.deepEqual([p.taskId, p.otherTaskId].sort(), ['a', 'b']);
      assert.deepEqual(p.files, [{ path: 'src/calc.js', kind: 'contents', hunks: [{ start: 8, end: 8 }] }]);
      for (const agentId of ['impl-a-1', 'impl-b-1']) {
        const finished = eventsOf(run.events, 'agent/didFinish').find((e) => e.agentId === agentId)!;
        assert.ok(p.seq < finished.seq, `${agentId} was still running when the conflict was predicted`);
      }
    });

    it("puts the notice in the second agent's next request, naming the other task and the lines", () => {
      const p = eventsOf(run.events, 'conflict/didPredict')[0];
      for (const [agentId, other] of [
        ['impl-b-1', 'a'],
        ['impl-a-1', 'b'],
      ]) {
        const requests = run.requests.filter((r) => r.agentId === agentId);
        assert.ok(requests.length >= 3, `${agentId} made ${requests.length} requests`);
        assert.deepEqual(
          requests.filter((r) => r.receivedAt < p.ts).flatMap(noticesIn),
          [],
          `${agentId} heard nothing before the prediction`,
        );
        // The next request after the prediction carries it, unless that one was already on its way while the check ran: then the one after.
        const after = requests.filter((r) => r.receivedAt >= p.ts);
        const first = after.findIndex((r) => noticesIn(r).length > 0);
        assert.ok(first === 0 || first === 1, `${agentId}: the notice came in request ${first} after the prediction`);
        const [notice] = noticesIn(after[first]);
        assert.match(notice, new RegExp(`task ${other}, running in parallel with you, changes the same lines: src/calc\\.js lines 8`));
        assert.equal(noticesIn(after[first]).length, 1, 'told once');
      }
    });

    it('clears the prediction when b moves apart, and the run merges both', () => {
      const cleared = eventsOf(run.events, 'conflict/didClear');
      assert.equal(cleared.length, 1);
      assert.deepEqual([cleared[0].taskId, cleared[0].otherTaskId].sort(), ['a', 'b']);
      assert.deepEqual(run.state.predictions, []);
      assert.equal(run.state.status, 'succeeded', formatReport(run.state));
    });
  });

  describe('hold', () => {
    let run: ObservedRun;
    before(async () => {
      run = await runObserved('hold');
    });

    it('pauses the later task before its next model call until the earlier one is verified', () => {
      const p = eventsOf(run.events, 'conflict/didPredict')[0];
      assert.ok(p, 'predicted');
      const held = eventsOf(run.events, 'agent/didWarn').filter((e) => e.kind === 'conflict');
      assert.equal(held.length, 1, JSON.stringify(held));
      assert.equal(held[0].agentId, 'impl-b-1');
      assert.match(held[0].message, /^held before its next model call until a ends: both change src\/calc\.js lines 8/);
      const aVerified = eventsOf(run.events, 'verify/didFinish').find((e) => e.taskId === 'a')!;
      const bAfter = run.requests.filter((r) => r.agentId === 'impl-b-1' && r.receivedAt >= p.ts);
      // At most the request already on its way while the check ran went before a ended; the rest waited.
      const early = bAfter.filter((r) => r.receivedAt < aVerified.ts);
      assert.ok(early.length <= 1, `${early.length} of b's requests went while it was held`);
      assert.ok(bAfter.length > early.length);
      // a was never held, and was not told (hold does not tell while it holds).
      assert.deepEqual(run.requests.filter((r) => r.agentId === 'impl-a-1').flatMap(noticesIn), []);
      // Released, b hears what a changed.
      assert.match(bAfter.flatMap(noticesIn)[0] ?? '', /task a, which you waited for, was verified/);
      assert.equal(run.state.status, 'succeeded', formatReport(run.state));
    });
  });
});
