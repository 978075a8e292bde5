// A run survives a real window reload (issue 8): the first extension host starts a simulated run on
// the workspace's repository and, while agents work, runs `workbench.action.reloadWindow`. The
// workbench reloads for real: the extension is deactivated, its extension host ends, and a new one
// loads this tests module again (index.ts sees the reload marker and runs only the second part). The
// new window lists the run as interrupted and offers it for resume; Resume continues it here through
// the engine's resume; its conflict escalation is answered through the dashboard's message route.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { readJournal } from '../../extension/engine/journal/journalReader';
import { loomHome, runPaths } from '../../extension/engine/run/runPaths';
import type { LoomApi } from '../../extension/vscode/extension';
import { filesOnBranch, showFile } from './demoWorkspace';
import { readReloadMarker, removeReloadMarker, writeReloadMarker, type ReloadMarker } from './reloadMarker';

const extensionId = 'loom-dev.loom';

async function waitFor(what: string, condition: () => boolean, timeoutMs: number, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

async function activate(): Promise<{ api: LoomApi; extensionPath: string; repo: string }> {
  const extension = vscode.extensions.getExtension<LoomApi>(extensionId);
  assert.ok(extension, `${extensionId} is not loaded`);
  const api = await extension.activate();
  const repo = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(repo, 'the reload test runs on the workspace folder (runIntegration --workspace, the demo repository)');
  return { api, extensionPath: extension.extensionPath, repo };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Command lines of live processes that mention `text` (ps itself left out). */
function processesNaming(text: string): string[] {
  return execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(text) && !line.includes('ps -eo'))
    .map((line) => line.trim());
}

const marker = readReloadMarker();

if (!marker) {
  // Every failed test of this first pass, with its error, so the second pass can report what this host never will.
  const failed: string[] = [];
  afterEach(function () {
    const test = this.currentTest as (Mocha.Test & { err?: Error }) | undefined;
    if (test?.state === 'failed') failed.push(`${test.fullTitle()}: ${test.err?.stack ?? test.err?.message ?? 'no error recorded'}`);
  });

  describe('window reload, before: a run in flight when the window reloads', function () {
    it('starts a simulated run on the workspace repository and reloads the window while agents work', async function () {
      // If the reload never ends this extension host, the test fails here instead of hanging.
      this.timeout(240_000);
      const { api, extensionPath, repo } = await activate();
      const result = await vscode.commands.executeCommand<{ runId: string } | undefined>('loom.startPlan', {
        specPath: join(extensionPath, 'examples', 'demo', 'spec.md'),
        repoPath: repo,
        source: 'simulator',
        // The demo whose merge agent fails, so the conflict waits for a person.
        scenarioPath: join(extensionPath, 'examples', 'demo', 'scenario-merge-fails.json'),
        autoConfirm: true,
      });
      assert.ok(result?.runId, 'loom.startPlan started a run');
      await waitFor('an implementor to be working', () => api.state.agents.some((a) => a.role === 'implementor' && a.status === 'running'), 120_000);
      assert.ok(api.isRunning, 'the run was still going at the reload');
      const working = api.state.agents.filter((a) => a.status === 'running').map((a) => a.agentId);
      console.log(`[windowReload] run ${result.runId}: reloading the window (extension host ${process.pid}) while ${working.join(', ')} work`);
      writeReloadMarker({ runId: result.runId, hostPid: process.pid, reloadedAt: Date.now(), failedBefore: failed });
      await vscode.commands.executeCommand('workbench.action.reloadWindow');
      // The reload ends this extension host; the next one goes on (index.ts).
      await new Promise((r) => setTimeout(r, 200_000));
      assert.fail('the window did not reload: this extension host is still running 200 s later');
    });
  });
} else {
  describe('window reload, after: the run is listed, resumed here, and its escalation answered from the dashboard', function () {
    this.timeout(300_000);
    const m: ReloadMarker = marker;
    let api: LoomApi;
    let repo: string;
    const journalOf = () => readJournal(runPaths(loomHome(), m.runId).journal).events;

    before(async () => {
      ({ api, repo } = await activate());
      console.log(`[windowReload] reloaded ${((Date.now() - m.reloadedAt) / 1000).toFixed(1)} s ago; extension host ${m.hostPid} → ${process.pid}`);
    });
    after(() => removeReloadMarker());

    it('every test before the reload passed', () => {
      assert.deepEqual(m.failedBefore, []);
    });

    it('runs in a new extension host; the one that started the run is gone, and nothing it started is left', async () => {
      assert.notEqual(api.hostPid, m.hostPid);
      await waitFor(`extension host ${m.hostPid} to exit`, () => !isAlive(m.hostPid), 30_000, 200);
      // The run's agents had MCP tool servers (subprocesses) with their worktrees as cwd: none outlived the reload.
      const left = () => processesNaming(m.runId).concat(processesNaming('loomToolServer'));
      await waitFor('the old run\'s processes to exit', () => left().length === 0, 15_000, 200).catch(() => undefined);
      assert.deepEqual(left(), []);
    });

    it('the new window lists the run as interrupted (no end in its journal, no live owner) and offered to resume it', () => {
      const listing = Date.now();
      const runs = api.pastRuns();
      console.log(`[windowReload] the run catalogue folded ${runs.length} run(s) of LOOM_HOME in ${Date.now() - listing} ms`);
      const listed = runs.find((r) => r.runId === m.runId);
      assert.ok(listed, `the run catalogue lists ${m.runId}: ${api.pastRuns().map((r) => `${r.runId} ${r.status}`).join(', ')}`);
      assert.equal(listed.status, 'interrupted');
      assert.equal(listed.repo, repo);
      assert.deepEqual(
        journalOf().filter((e) => e.type === 'run/didFinish'),
        [],
        'deactivation left the run unfinished, not stopped',
      );
      assert.ok(api.resumeOffers.includes(m.runId), `activation offered ${m.runId} for resume (offered: ${api.resumeOffers.join(', ') || 'none'})`);
      // Nothing runs until the person answers: the controller shows no run yet.
      assert.equal(api.isRunning, false);
    });

    it('Open Run shows it read-only, folded from its journal (plan, agents, spend)', async () => {
      const opened = await vscode.commands.executeCommand<{ runId: string; status: string } | undefined>('loom.openRun', { runId: m.runId });
      assert.deepEqual(opened, { runId: m.runId, status: 'interrupted' });
      assert.equal(api.runId, m.runId);
      assert.equal(api.isRunning, false);
      assert.ok(api.state.tasks.length >= 4, `the plan's tasks: ${api.state.tasks.map((t) => t.task.id).join(', ')}`);
      assert.ok(api.state.agents.some((a) => a.usage.inputTokens > 0), 'agents with their spend');
      assert.ok(api.events.length > 10, 'the journal events behind traces and spend');
      const [node] = api.agentsTree();
      assert.equal(node?.label, `Run ${m.runId}`);
    });

    it('Resume continues it in this extension host (the engine resume), shown live, until it waits on esc-1', async () => {
      let liveStates = 0;
      const watch = api.onDidChangeState(() => liveStates++);
      try {
        const resumed = await vscode.commands.executeCommand<{ runId: string } | undefined>('loom.resumeRun', { runId: m.runId, source: 'simulator', scenarioPath: join(vscode.extensions.getExtension(extensionId)!.extensionPath, 'examples', 'demo', 'scenario-merge-fails.json') });
        assert.equal(resumed?.runId, m.runId, 'loom.resumeRun returned the run (undefined: it failed; see the Loom log)');
        assert.equal(api.runId, m.runId);
        await waitFor('the resumed run to finish', () => !api.isRunning, 240_000, 250);
      } finally {
        watch.dispose();
      }
      assert.ok(liveStates > 5, `the controller relayed the resumed run live (${liveStates} state changes)`);
      assert.equal(api.state.status, 'escalated', 'the demo ends waiting on its multiply/divide conflict');
      const events = journalOf();
      assert.equal(events.filter((e) => e.type === 'run/didStart').length, 1);
      assert.equal(events.filter((e) => e.type === 'run/didResume').length, 1);
      const merges = events.filter((e) => e.type === 'merge/didMerge').map((e) => (e as { taskId: string }).taskId);
      assert.equal(new Set(merges).size, merges.length, `no task merged twice: ${merges.join(', ')}`);
      assert.deepEqual(
        api.state.escalations.filter((e) => e.resolution === null).map((e) => [e.escalationId, e.kind]),
        [['esc-1', 'conflict']],
      );
      assert.equal(api.pastRuns().find((r) => r.runId === m.runId)?.status, 'escalated');
    });

    it('esc-1 is answered from the dashboard ("Take theirs"): the held task merges and the run succeeds', async () => {
      await vscode.commands.executeCommand('loom.openDashboard');
      // The message the Escalations card posts for "Take theirs", through the panel's validation and routing.
      assert.ok(api.dashboardMessage({ type: 'escalation/resolve', escalationId: 'esc-1', choice: 'theirs' }), 'the dashboard is open');
      await waitFor('esc-1 to be resolved', () => api.state.escalations.find((e) => e.escalationId === 'esc-1')?.resolution !== null, 60_000);
      assert.equal(api.state.escalations.find((e) => e.escalationId === 'esc-1')?.resolution, 'theirs');
      await waitFor('the run to settle', () => api.state.status === 'succeeded', 30_000);
      const branch = api.state.integrationBranch;
      assert.equal(branch, `loom/${m.runId}/integration`);
      assert.ok(filesOnBranch(repo, branch).includes('src/divide.js'));
      assert.match(showFile(repo, branch, 'src/index.js'), /divide/);
      assert.equal(api.pastRuns().find((r) => r.runId === m.runId)?.status, 'succeeded');
    });
  });
}
