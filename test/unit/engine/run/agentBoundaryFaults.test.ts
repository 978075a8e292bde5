import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { formatReport } from '../../../../extension/engine/run/report';
import type { RunEvent } from '../../../../extension/protocol/events';
import { git } from '../../../fixtures/gitRepo';
import { BUNDLE, eventsOf, PASS_VERDICT, planTask, report, runScenario, specWith, write, type RunResult } from './runHarness';

const FIXTURES = resolve(__dirname, '..', '..', '..', 'fixtures');
const FAULTY_SERVER = join(FIXTURES, 'mcp', 'faultyServer.mjs');
const CRASHING_WORKER = join(FIXTURES, 'workers', 'crashOnCue.cjs');

const call = (name: string, args: Record<string, unknown> = {}) => ({ name, arguments: args });
const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Faults at the agent boundary in real runs: worker threads, MCP server subprocesses in the
 * agents' sandboxes (Loom's own and a user-configured one that fails on cue), the simulator, the journal.
 */
describe('agent-boundary faults in a run', function () {
  this.timeout(240_000);

  describe('dead and hung MCP servers', () => {
    let run: RunResult;
    const killed: number[] = [];

    before(async () => {
      const plan = { tasks: [planTask('a', 'R1', ['src/a.js'], null), planTask('b', 'R2', ['src/b.js'], null)] };
      run = await runScenario({
        files: { 'src/a.js': 'module.exports = 0;\n', 'src/b.js': 'module.exports = 0;\n' },
        spec: specWith(['a', 'b']),
        scenario: {
          name: 'mcp-faults',
          agents: [
            { match: { role: 'coordinator' }, turns: [{ content: JSON.stringify(plan) }] },
            {
              // Its Loom tool server is killed (by the test) twice before its first turn: with one restart allowed, it stays down.
              match: { role: 'implementor', task: 'a' },
              turns: [
                { latencyMs: 4000, toolCalls: [call('list_files')] },
                { toolCalls: [call('report_result', { status: 'blocked', summary: 'my tool server is gone', filesChanged: [], testsRun: [] })] },
              ],
            },
            {
              match: { role: 'implementor', task: 'b' },
              turns: [
                { toolCalls: [call('faulty__hang')] },
                { toolCalls: [call('faulty__crash')] },
                { toolCalls: [call('faulty__echo', { text: 'still there?' })] },
                { toolCalls: [write('src/b.js', 'module.exports = 2;\n')] },
                { toolCalls: [report('b is 2', ['src/b.js'])] },
              ],
            },
            { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
          ],
        },
        options: {
          concurrency: 2,
          mcpServers: [{ name: 'faulty', command: process.execPath, args: [FAULTY_SERVER], env: [] }],
          mcpSupervision: { callTimeoutMs: 2000, pingIntervalMs: 500, pingTimeoutMs: 1000, maxRestarts: 1 },
        },
        onEvent: (event) => {
          // Loom's own tool server of agent a dies, and dies again once restarted.
          if ((event.type === 'mcp/didStart' || event.type === 'mcp/didRestart') && event.agentId === 'impl-a-1' && event.server === 'loom') {
            killed.push(event.pid);
            process.kill(event.pid, 'SIGKILL');
          }
        },
      });
    });

    after(async () => {
      await run?.cleanup();
    });

    const failuresOf = (agentId: string, server: string) => eventsOf(run.events, 'mcp/didFail').filter((e) => e.agentId === agentId && e.server === server);
    const restartsOf = (agentId: string, server: string) => eventsOf(run.events, 'mcp/didRestart').filter((e) => e.agentId === agentId && e.server === server);
    const toolCalls = (agentId: string) => eventsOf(run.events, 'tool/didCall').filter((e) => e.agentId === agentId);

    it('each agent finishes with report_result after its server died: b merged, a reported that it is blocked', () => {
      const status = Object.fromEntries(run.state.tasks.map((t) => [t.task.id, t.status]));
      assert.deepEqual(status, { a: 'failed', b: 'merged' }, formatReport(run.state));
      const failed = eventsOf(run.events, 'task/didFail').find((e) => e.taskId === 'a')!;
      assert.equal(failed.reason, 'implementor reported blocked: my tool server is gone');
      // Reporting changes nothing outside the journal: no effect intent to settle on a resume.
      assert.deepEqual(eventsOf(run.events, 'effect/willApply').filter((e) => e.what.startsWith('report_result')), []);
      for (const agentId of ['impl-a-1', 'impl-b-1']) {
        const last = toolCalls(agentId).at(-1)!;
        assert.deepEqual([last.tool, last.ok], ['report_result', true], agentId);
        const finish = eventsOf(run.events, 'agent/didFinish').find((e) => e.agentId === agentId)!;
        assert.equal(finish.outcome.kind, 'completed');
      }
    });

    it("journals the death of agent a's tool server, its one restart, and then the error that names it", () => {
      assert.equal(killed.length, 2);
      assert.deepEqual(
        failuresOf('impl-a-1', 'loom').map((e) => [e.pid, e.reason, e.restarts, e.willRestart]),
        [
          [killed[0], 'exited', 0, true],
          [killed[1], 'exited', 1, false],
        ],
      );
      assert.deepEqual(restartsOf('impl-a-1', 'loom').map((e) => [e.previousPid, e.pid]), [[killed[0], killed[1]]]);
      const [list] = toolCalls('impl-a-1');
      assert.deepEqual([list.tool, list.ok, list.server], ['list_files', false, 'loom']);
      assert.match(list.summary, /^MCP server "loom" is down after 1 restart\(s\).*report_result still works/);
    });

    it("times out agent b's hung call within the call timeout, restarts that server, and says plainly when it stays down", () => {
      const [hang, crash, echo] = toolCalls('impl-b-1');
      assert.deepEqual([hang.tool, hang.ok], ['faulty__hang', false]);
      assert.ok(hang.durationMs >= 1900 && hang.durationMs < 4000, `the hung call took ${hang.durationMs} ms against a 2000 ms timeout`);
      assert.match(hang.summary, /got no answer within 2000 ms; MCP server "faulty" was killed as hung\. The server was restarted/);
      assert.deepEqual([crash.tool, crash.ok], ['faulty__crash', false]);
      assert.match(crash.summary, /MCP server "faulty" crashed during "faulty__crash".*stays down|is down after 1 restart/);
      assert.deepEqual([echo.tool, echo.ok], ['faulty__echo', false]);
      assert.match(echo.summary, /^MCP server "faulty" is down after 1 restart\(s\)/);
      assert.deepEqual(
        failuresOf('impl-b-1', 'faulty').map((e) => [e.reason, e.willRestart]),
        [
          ['callTimeout', true],
          ['exited', false],
        ],
      );
      assert.equal(restartsOf('impl-b-1', 'faulty').length, 1);
    });

    it("restarts a server for its agent alone: the other agent's servers keep their processes", () => {
      const failed = eventsOf(run.events, 'mcp/didFail');
      const pairs = new Set(failed.map((e) => `${e.agentId}/${e.server}`));
      assert.deepEqual([...pairs].sort(), ['impl-a-1/loom', 'impl-b-1/faulty']);
      const started = (agentId: string, server: string) => eventsOf(run.events, 'mcp/didStart').find((e) => e.agentId === agentId && e.server === server)!.pid;
      assert.ok(!failed.some((e) => e.pid === started('impl-a-1', 'faulty') || e.pid === started('impl-b-1', 'loom')));
      assert.equal(restartsOf('impl-a-1', 'faulty').length + restartsOf('impl-b-1', 'loom').length, 0);
    });

    it('leaves no server process behind', () => {
      const pids = [...eventsOf(run.events, 'mcp/didStart'), ...eventsOf(run.events, 'mcp/didRestart')].map((e) => e.pid);
      assert.ok(pids.length >= 6);
      assert.deepEqual(pids.filter(isAlive), []);
    });
  });

  describe('a worker thread that crashes', () => {
    let run: RunResult;

    before(async () => {
      const plan = { tasks: [planTask('once', 'R1', ['src/**', '.loom-crash'], null), planTask('twice', 'R2', ['lib/**', '.loom-crash'], null)] };
      run = await runScenario({
        files: { 'src/once.js': 'module.exports = 0;\n', 'lib/twice.js': 'module.exports = 0;\n' },
        spec: specWith(['once', 'twice']),
        scenario: {
          name: 'worker-crashes',
          agents: [
            { match: { role: 'coordinator' }, turns: [{ content: JSON.stringify(plan) }] },
            // An uncaught exception in the worker halfway through its second turn (an edit made, the turn not over, so no checkpoint); the resumed agent finishes.
            { match: { role: 'implementor', task: 'once', attempt: 2 }, turns: [{ toolCalls: [report('once is 1', ['src/once.js'])] }] },
            {
              match: { role: 'implementor', task: 'once' },
              turns: [
                { toolCalls: [write('src/once.js', 'module.exports = 1;\n')] },
                { latencyMs: 200, toolCalls: [write('src/once.js', 'module.exports = 99;\n'), write('.loom-crash', 'throw'), call('run_command', { command: ['node', '-e', 'setTimeout(() => {}, 3000)'] })] },
                { latencyMs: 3000, content: 'never reached' },
              ],
            },
            // process.exit in the worker, on both attempts.
            {
              match: { role: 'implementor', task: 'twice' },
              turns: [{ toolCalls: [write('lib/twice.js', 'module.exports = 2;\n')] }, { latencyMs: 200, toolCalls: [write('.loom-crash', 'exit')] }, { latencyMs: 3000, content: 'never reached' }],
            },
            { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
          ],
        },
        options: { concurrency: 2, bundle: { ...BUNDLE, agentWorker: CRASHING_WORKER } },
      });
    });

    after(async () => {
      await run?.cleanup();
    });

    const finishes = (taskId: string) => eventsOf(run.events, 'agent/didFinish').filter((e) => e.taskId === taskId && e.role === 'implementor');

    it('resumes a crashed agent once, from its last checkpoint, and the task succeeds', async () => {
      const status = Object.fromEntries(run.state.tasks.map((t) => [t.task.id, t.status]));
      assert.equal(status.once, 'merged', formatReport(run.state));
      assert.deepEqual(
        finishes('once').map((e) => [e.agentId, e.outcome.kind, e.outcome.next]),
        [
          ['impl-once-1', 'crashed', 'retry'],
          ['impl-once-2', 'completed', 'none'],
        ],
      );
      assert.equal(finishes('once')[0].outcome.message, "the agent's worker thread crashed: crash on cue in impl-once-1");
      // The resumed agent's first prompt is the checkpointed conversation, not a fresh start, and its worktree kept the first attempt's edit.
      const firstCalls = (agentId: string) => eventsOf(run.events, 'model/didRespond').filter((e) => e.agentId === agentId);
      assert.ok(firstCalls('impl-once-2')[0].usage.inputTokens > firstCalls('impl-once-1')[0].usage.inputTokens);
      const report = eventsOf(run.events, 'task/didReport').find((e) => e.taskId === 'once')!;
      assert.equal(report.result.summary, 'once is 1');
      // The half-done turn's edit went with the crash: the resumed agent's files are its checkpoint's.
      assert.equal((await git(run.repo.dir, 'show', `${report.headCommit}:src/once.js`)).trim(), 'module.exports = 1;');
      // The crashed attempt's model calls still count toward the task's budget.
      assert.ok(finishes('once')[0].usage.inputTokens >= firstCalls('impl-once-1')[0].usage.inputTokens);
    });

    it('fails a task whose agent crashes again after its resume, with a structured outcome and no stack trace', () => {
      assert.deepEqual(
        finishes('twice').map((e) => [e.agentId, e.outcome.kind, e.outcome.message]),
        [
          ['impl-twice-1', 'crashed', "the agent's worker thread exited (code 7) without a result"],
          ['impl-twice-2', 'crashed', "the agent's worker thread exited (code 7) without a result"],
        ],
      );
      const failed = eventsOf(run.events, 'task/didFail').find((e) => e.taskId === 'twice')!;
      assert.match(failed.reason, /^implementor crashed: the agent's worker thread exited \(code 7\) without a result$/);
      assert.equal(run.state.status, 'failed');
      const text = JSON.stringify(run.events.filter((e: RunEvent) => e.type === 'agent/didFinish' || e.type === 'task/didFail'));
      assert.doesNotMatch(text, /\n\s+at |\\n\s+at /);
    });
  });
});
