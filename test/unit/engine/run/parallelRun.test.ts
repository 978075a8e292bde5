import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { agentIntervals, maxOverlap } from '../../../../extension/engine/run/agentIntervals';
import { formatReport } from '../../../../extension/engine/run/report';
import { foldEvents } from '../../../../extension/protocol/reduce';
import { git } from '../../../fixtures/gitRepo';
import { eventsOf, PASS_VERDICT, planTask, report, runScenario, specWith, write, ROOT, type RunResult } from './runHarness';

const FS_SERVER = join(ROOT, 'node_modules', '@modelcontextprotocol', 'server-filesystem', 'dist', 'index.js');

/** Three independent tasks, each model call slowed down, and a user-configured filesystem MCP server. */
describe('a run of three independent tasks (real threads, git, MCP, HTTP)', function () {
  this.timeout(180_000);
  let run: RunResult;
  let userStatusBefore: string;
  let userHeadBefore: string;
  let userIndexBefore: string;

  before(async () => {
    const ids = ['alpha', 'beta', 'gamma'];
    const plan = { tasks: ids.map((id, i) => planTask(id, `R${i + 1}`, [`src/${id}.js`], null)) };
    run = await runScenario({
      files: { 'README.md': '# sample\n', 'src/keep.js': 'module.exports = 1;\n' },
      spec: specWith(ids),
      scenario: {
        name: 'parallel',
        defaultLatencyMs: 50,
        agents: [
          { match: { role: 'coordinator' }, turns: [{ content: JSON.stringify(plan) }] },
          ...ids.map((id) => ({
            match: { role: 'implementor', task: id },
            turns: [
              // Every agent lists its worktree through the third-party filesystem server first.
              { latencyMs: 600, toolCalls: [{ name: 'filesystem__list_directory', arguments: { path: '.' } }] },
              { latencyMs: 600, toolCalls: [write(`src/${id}.js`, `module.exports = '${id}';\n`)] },
              { latencyMs: 600, toolCalls: [report(`added ${id}`, [`src/${id}.js`])] },
            ],
          })),
          ...ids.map((id) => ({ match: { role: 'verifier', task: id }, turns: [{ content: PASS_VERDICT }] })),
        ],
      },
      options: {
        verifierModel: 'loom-sim-judge',
        mcpServers: [{ name: 'filesystem', command: process.execPath, args: [FS_SERVER, '${workspaceFolder}'], env: [] }],
      },
      beforeRun: async (repo) => {
        // The user has uncommitted work: a run must not touch it.
        const { writeFileSync } = await import('node:fs');
        writeFileSync(join(repo.dir, 'README.md'), '# sample\nlocal edit\n');
        writeFileSync(join(repo.dir, 'notes.txt'), 'untracked\n');
        await git(repo.dir, 'add', 'notes.txt');
        userStatusBefore = await git(repo.dir, 'status', '--porcelain');
        userHeadBefore = await git(repo.dir, 'rev-parse', 'HEAD');
        userIndexBefore = await git(repo.dir, 'write-tree');
      },
    });
  });

  after(async () => {
    await run?.cleanup();
  });

  it('succeeds and merges every task onto the integration branch, not the user branch', async () => {
    assert.equal(run.state.status, 'succeeded', formatReport(run.state));
    assert.deepEqual(run.state.tasks.map((t) => t.status), ['merged', 'merged', 'merged']);
    const branch = `loom/${run.state.runId}/integration`;
    const files = await git(run.repo.dir, 'ls-tree', '-r', '--name-only', branch);
    for (const id of ['alpha', 'beta', 'gamma']) assert.match(files, new RegExp(`src/${id}\\.js`));
  });

  it('runs the agents in parallel: their active intervals overlap (journal timestamps)', () => {
    const intervals = agentIntervals(run.events, 'implementor');
    assert.equal(intervals.length, 3);
    assert.equal(maxOverlap(intervals), 3, JSON.stringify(intervals));
  });

  it('gives each agent its own thread and its own MCP server processes with cwd its worktree', () => {
    const starts = eventsOf(run.events, 'agent/didStart').filter((e) => e.role === 'implementor');
    assert.equal(new Set(starts.map((s) => s.threadId)).size, 3);
    const mcp = eventsOf(run.events, 'mcp/didStart');
    const leases = eventsOf(run.events, 'lease/didCreate');
    assert.equal(mcp.length, 6, 'two servers (loom + filesystem) per agent');
    assert.equal(new Set(mcp.map((m) => m.pid)).size, 6, 'every server is its own process');
    for (const m of mcp) {
      const lease = leases.find((l) => l.taskId === m.taskId);
      assert.ok(lease, `lease for ${m.taskId}`);
      assert.equal(m.cwd, lease.path);
    }
  });

  it('served the third-party filesystem server per agent through the same tool path', () => {
    const calls = eventsOf(run.events, 'tool/didCall').filter((c) => c.tool === 'filesystem__list_directory');
    assert.equal(calls.length, 3);
    for (const call of calls) {
      assert.equal(call.ok, true, call.summary);
      assert.equal(call.server, 'filesystem');
      assert.match(call.summary, /README\.md/);
    }
  });

  it('keeps each edit inside its own lease: a file written by one agent is absent from the others\' branches', async () => {
    for (const id of ['alpha', 'beta', 'gamma']) {
      for (const other of ['alpha', 'beta', 'gamma'].filter((o) => o !== id)) {
        const files = await git(run.repo.dir, 'ls-tree', '-r', '--name-only', `loom/${run.state.runId}/${other}`);
        assert.doesNotMatch(files, new RegExp(`src/${id}\\.js`));
      }
    }
  });

  it('leaves the user\'s working tree, index, HEAD and branch exactly as they were', async () => {
    assert.equal(await git(run.repo.dir, 'status', '--porcelain'), userStatusBefore);
    assert.equal(await git(run.repo.dir, 'rev-parse', 'HEAD'), userHeadBefore);
    assert.equal(await git(run.repo.dir, 'write-tree'), userIndexBefore);
    assert.equal((await git(run.repo.dir, 'rev-parse', '--abbrev-ref', 'HEAD')).trim(), 'main');
    assert.equal(readFileSync(join(run.repo.dir, 'README.md'), 'utf8'), '# sample\nlocal edit\n');
  });

  it('removes its worktrees at the end and leaves no MCP process alive', () => {
    for (const lease of eventsOf(run.events, 'lease/didCreate')) assert.equal(existsSync(lease.path), false, lease.path);
    for (const m of eventsOf(run.events, 'mcp/didStart')) {
      assert.throws(() => process.kill(m.pid, 0), `pid ${m.pid} still alive`);
    }
  });

  it('runs the verifiers on their own model when one is configured', () => {
    const starts = eventsOf(run.events, 'agent/didStart');
    assert.deepEqual([...new Set(starts.filter((s) => s.role === 'verifier').map((s) => s.model))], ['loom-sim-judge']);
    assert.deepEqual([...new Set(starts.filter((s) => s.role === 'implementor').map((s) => s.model))], ['loom-sim-1']);
  });

  it('never writes the API key into the journal', () => {
    assert.doesNotMatch(readFileSync(run.journalPath, 'utf8'), /sk-test-secret-value/);
  });

  it('folds its journal into the same state and report it ended with', () => {
    const folded = foldEvents(run.events);
    assert.deepEqual(folded, run.state);
    assert.equal(formatReport(folded), formatReport(run.state));
  });
});
