import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../../../extension/engine/simulator/simulatorServer';
import { RunCoordinator } from '../../../../extension/engine/run/runCoordinator';
import { DEFAULT_RUN_SETTINGS } from '../../../../extension/engine/run/runOptions';
import type { RunEvent } from '../../../../extension/protocol/events';
import { git, makeRepo, makeTempDir, type TempRepo } from '../../../fixtures/gitRepo';
import { BUNDLE, planTask, PASS_VERDICT, report, requireBuild, specWith, write } from './runHarness';

/** Live child processes of this process (the MCP servers agents started, and anything they spawned). */
function childPids(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function waitFor(predicate: () => boolean, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('stopping agents and runs (real threads and MCP subprocesses)', function () {
  this.timeout(180_000);
  let repo: TempRepo;
  let home: { dir: string; cleanup: () => Promise<void> };
  let sim: Simulator;
  const ids = ['slow-a', 'slow-b', 'quick'];

  beforeEach(async () => {
    requireBuild();
    const plan = { tasks: [planTask('slow-a', 'R1', ['src/a.js'], null), planTask('slow-b', 'R2', ['src/b.js'], null, []), planTask('quick', 'R3', ['src/q.js'], null)] };
    plan.tasks.push(planTask('after-a', 'R4', ['src/after.js'], null, ['slow-a']));
    repo = await makeRepo({ 'README.md': '# r\n', 'SPEC.md': specWith([...ids, 'after a']) });
    home = await makeTempDir('loom-stop-home-');
    sim = await startSimulator({
      scenario: {
        name: 'stop',
        agents: [
          { match: { role: 'coordinator' }, turns: [{ content: JSON.stringify(plan) }] },
          // The slow agents wait a long time for their model: they are what gets stopped.
          { match: { role: 'implementor', task: 'slow-a' }, turns: [{ toolCalls: [write('src/a.js', 'a\n')] }, { latencyMs: 60_000, toolCalls: [report('a')] }] },
          { match: { role: 'implementor', task: 'slow-b' }, turns: [{ toolCalls: [write('src/b.js', 'b\n')] }, { latencyMs: 60_000, toolCalls: [report('b')] }] },
          { match: { role: 'implementor', task: 'quick' }, turns: [{ latencyMs: 1500, toolCalls: [write('src/q.js', 'q\n')] }, { toolCalls: [report('q', ['src/q.js'])] }] },
          { match: { role: 'implementor', task: 'after-a' }, turns: [{ toolCalls: [report('after')] }] },
          { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
        ],
      },
    });
  });

  afterEach(async () => {
    await sim.close();
    await repo.cleanup();
    await home.cleanup();
  });

  function coordinator(resume?: { runId: string; simulatorUrl: string }): RunCoordinator {
    return new RunCoordinator({
      ...(resume ? { runId: resume.runId, resume: true } : {}),
      repo: repo.dir,
      specPath: join(repo.dir, 'SPEC.md'),
      endpoint: { baseUrl: resume?.simulatorUrl ?? sim.url, model: 'loom-sim-1', apiKey: 'k', timeoutMs: 120_000, maxRetries: 0, headers: [] },
      concurrency: 3,
      loomHome: home.dir,
      bundle: BUNDLE,
      budgets: { ...DEFAULT_RUN_SETTINGS.budgets },
      maxTurns: 5,
      commandAllowlist: ['node'],
      lintCommand: null,
      flakeReruns: 0,
      commandTimeoutMs: 10_000,
      mcpServers: [],
    });
  }

  it('stopping one agent fails only its task and blocks its descendants; the others go on', async () => {
    const run = coordinator();
    const events: RunEvent[] = [];
    run.onDidEvent((e) => events.push(e));
    const done = run.run();
    // Stop slow-a's agent once it is waiting on its second model call; let slow-b end by stopping it too.
    await waitFor(() => events.some((e) => e.type === 'checkpoint/didCommit' && e.taskId === 'slow-a'));
    assert.equal(await run.stopAgent('impl-slow-a-1'), true);
    await waitFor(() => events.some((e) => e.type === 'task/didSucceed' && e.taskId === 'quick'));
    await waitFor(() => events.some((e) => e.type === 'checkpoint/didCommit' && e.taskId === 'slow-b'));
    await run.stopAgent('impl-slow-b-1');
    const state = await done;
    await run.dispose();
    const status = Object.fromEntries(state.tasks.map((t) => [t.task.id, t.status]));
    assert.deepEqual(status, { 'slow-a': 'failed', 'slow-b': 'failed', quick: 'merged', 'after-a': 'blocked' });
    const outcome = state.agents.find((a) => a.agentId === 'impl-slow-a-1')?.outcome;
    assert.equal(outcome?.kind, 'stopped');
  });

  it('stopping the run ends every agent with a structured outcome, removes its worktrees and leaves no child process', async () => {
    const before = new Set(childPids());
    const run = coordinator();
    const events: RunEvent[] = [];
    run.onDidEvent((e) => events.push(e));
    const done = run.run();
    await waitFor(() => events.filter((e) => e.type === 'mcp/didStart').length >= 3);
    await waitFor(() => events.filter((e) => e.type === 'checkpoint/didCommit').length >= 2);
    await run.stop();
    const state = await done;
    await run.dispose();
    assert.equal(state.status, 'stopped');
    for (const agent of state.agents.filter((a) => a.role === 'implementor')) {
      assert.equal(agent.status, 'finished', agent.agentId);
      assert.ok(agent.outcome, agent.agentId);
    }
    for (const e of events) if (e.type === 'lease/didCreate') assert.equal(existsSync(e.path), false, e.path);
    await waitFor(() => childPids().every((pid) => before.has(pid)), 10_000);
    for (const e of events) if (e.type === 'mcp/didStart') assert.throws(() => process.kill(e.pid, 0), `MCP server ${e.pid} survived`);
  });

  it('a stopped run resumes: the tasks the stop ended continue from their checkpoints and the run finishes', async () => {
    const run = coordinator();
    const events: RunEvent[] = [];
    run.onDidEvent((e) => events.push(e));
    const done = run.run();
    await waitFor(() => events.some((e) => e.type === 'task/didSucceed' && e.taskId === 'quick'));
    await waitFor(() => ['slow-a', 'slow-b'].every((id) => events.some((e) => e.type === 'checkpoint/didCommit' && e.taskId === id)));
    await run.stop();
    const stopped = await done;
    await run.dispose();
    assert.equal(stopped.status, 'stopped');
    assert.ok(events.some((e) => e.type === 'task/didFail' && e.taskId === 'slow-a' && e.stopped), 'the journal says the stop ended slow-a');

    // The same run, resumed with models that answer at once.
    const quickSim = await startSimulator({
      scenario: {
        name: 'resume',
        agents: [
          { match: { role: 'implementor', task: 'slow-a' }, turns: [{ toolCalls: [report('a', ['src/a.js'])] }] },
          { match: { role: 'implementor', task: 'slow-b' }, turns: [{ toolCalls: [report('b', ['src/b.js'])] }] },
          { match: { role: 'implementor', task: 'after-a' }, turns: [{ toolCalls: [write('src/after.js', 'after\n')] }, { toolCalls: [report('after', ['src/after.js'])] }] },
          { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
        ],
      },
    });
    try {
      const resumed = coordinator({ runId: run.runId, simulatorUrl: quickSim.url });
      const state = await resumed.run();
      await resumed.dispose();
      assert.equal(state.status, 'succeeded', state.tasks.map((t) => `${t.task.id} ${t.status} ${t.failureReason ?? ''}`).join('; '));
      assert.deepEqual(Object.fromEntries(state.tasks.map((t) => [t.task.id, t.status])), { 'slow-a': 'merged', 'slow-b': 'merged', quick: 'merged', 'after-a': 'merged' });
      // slow-a continued on its checkpoint: its write before the stop is in the result.
      assert.equal(await git(repo.dir, 'show', `${state.integrationBranch}:src/a.js`), 'a');
    } finally {
      await quickSim.close();
    }
  });
});
