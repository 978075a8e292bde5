// A whole simulated plan inside the real VS Code extension host, driven through the command API:
// loom.startPlan (simulator, plan auto-confirmed) fills the Agents tree, loom.resolveEscalation
// hands the demo's merge conflict to the merge agent and the integration branch gets the merge
// ("Take theirs" is clicked in the webview by test/e2e/vscode/startPlan.test.ts), and loom.stopRun
// stops a second run mid-flight without leaving a child process behind.
//
// Run: npx tsx test/integration/run.ts   (prepares the demo repository and passes it as --workspace)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { LoomApi } from '../../extension/vscode/extension';
import type { AgentsNode } from '../../extension/vscode/views/agentsTreeModel';
import { branches, createDemoWorkspace, filesOnBranch, isFreshDemoWorkspace, parentsOf, showFile } from './demoWorkspace';
import { describeProcesses, descendants, isVsCodeHelper, threadCount, type ProcessInfo } from './processTree';

const extensionId = 'loom-dev.loom';
const demoTasks = ['fix-sum', 'add-multiply', 'add-divide', 'add-mean'];

async function waitFor(what: string, condition: () => boolean, timeoutMs: number, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

describe('a simulated plan in the extension host (command API)', function () {
  this.timeout(240_000);
  let api: LoomApi;
  let extensionPath: string;
  let repo: string;
  let specPath: string;
  /** The extension host's descendants before any run (code-server's own helpers, not Loom's). */
  let baseline: Set<number>;
  let firstRunId: string;
  let threadsBefore: number;
  /** Descendants that appeared since the baseline, leaving out VS Code's own on-demand helpers (language servers). */
  const newProcesses = (): ProcessInfo[] => descendants(process.pid).filter((p) => !baseline.has(p.pid) && !isVsCodeHelper(p));

  before(async () => {
    const extension = vscode.extensions.getExtension<LoomApi>(extensionId);
    assert.ok(extension, `${extensionId} is not loaded`);
    api = await extension.activate();
    assert.ok(api && typeof api.agentsTree === 'function', 'activate() returns the LoomApi (state, events, agentsTree…)');
    extensionPath = extension.extensionPath;
    specPath = join(extensionPath, 'examples', 'demo', 'spec.md');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    // The workspace runIntegration opened (--workspace) when it is the demo repository, else a fresh one.
    repo = folder && isFreshDemoWorkspace(folder) ? folder : createDemoWorkspace(extensionPath);
    console.log(`[simulatedRun] repository ${repo}${repo === folder ? ' (the workspace folder)' : ' (made by the test: no demo workspace was opened)'}`);
    baseline = new Set(descendants(process.pid).map((p) => p.pid));
    threadsBefore = threadCount();
  });

  it('loom.startPlan with the simulator fills the Agents tree: the run, its 4 tasks, their agents with tokens and cost', async () => {
    let liveRunningAgents = 0;
    let liveTaskNodes = 0;
    const watch = api.onDidChangeState(() => {
      const [run] = api.agentsTree();
      if (!run) return;
      const children = api.agentsTree(run);
      liveTaskNodes = Math.max(liveTaskNodes, children.filter((n) => n.kind === 'task').length);
      const agents = children.filter((n) => n.kind === 'task').flatMap((t) => api.agentsTree(t));
      liveRunningAgents = Math.max(liveRunningAgents, agents.filter((a) => a.kind === 'agent' && a.running).length);
    });
    const started = Date.now();
    try {
      const result = await vscode.commands.executeCommand<{ runId: string; journalPath: string } | undefined>('loom.startPlan', {
        specPath,
        repoPath: repo,
        source: 'simulator',
        // The demo whose merge agent fails, so the conflict waits for a person (the plain demo's agent resolves it).
        scenarioPath: join(extensionPath, 'examples', 'demo', 'scenario-merge-fails.json'),
        autoConfirm: true,
      });
      assert.ok(result?.runId, 'loom.startPlan returns { runId, journalPath } (undefined means it failed or was cancelled: see the Loom log)');
      firstRunId = result.runId;
      assert.equal(api.runId, firstRunId);
      await waitFor('the run to finish', () => !api.isRunning, 200_000, 250);
    } finally {
      watch.dispose();
    }
    console.log(`[simulatedRun] run ${firstRunId}: ${api.state.status} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    assert.equal(api.state.status, 'escalated', 'the demo run ends waiting on a person (the multiply/divide conflict)');
    assert.ok(liveTaskNodes >= 4, `the tree showed the tasks while the run went (saw ${liveTaskNodes})`);
    assert.ok(liveRunningAgents >= 2, `the tree showed agents running in parallel while the run went (saw at most ${liveRunningAgents})`);

    const roots = api.agentsTree();
    assert.equal(roots.length, 1);
    const [run] = roots;
    assert.equal(run.kind, 'run');
    assert.equal(run.label, `Run ${firstRunId}`);
    assert.match(run.description, /^Needs you · [\d.]+k? tok · \$[\d.]+$/, `run description: ${run.description}`);

    const children = api.agentsTree(run);
    const escalations = children.filter((n): n is Extract<AgentsNode, { kind: 'escalation' }> => n.kind === 'escalation');
    assert.deepEqual(
      escalations.map((e) => [e.escalationId, e.label, e.description]),
      [['esc-1', 'esc-1: conflict', 'Needs you · add-multiply × add-divide']],
    );
    const tasks = children.filter((n): n is Extract<AgentsNode, { kind: 'task' }> => n.kind === 'task');
    assert.deepEqual(tasks.map((t) => t.taskId).sort(), [...demoTasks].sort());
    for (const task of tasks) {
      assert.match(task.label, /^(Merged|Verified|Needs you \(esc-1\)) · /, `${task.taskId}: ${task.label}`);
      assert.match(task.description, /^[\d.]+k? tok · \$[\d.]+$/, `${task.taskId}: ${task.description}`);
      const agents = api.agentsTree(task);
      assert.ok(agents.length >= 1, `${task.taskId} has its agents under it`);
      for (const agent of agents) {
        assert.equal(agent.kind, 'agent');
        assert.match(agent.description, /^\w+( · attempt \d+)?( · Failed: [^·]+)? · [\d.]+k? tok · \$[\d.]+$/, `${agent.label}: ${agent.description}`);
        assert.doesNotMatch(agent.description, / 0 tok/, `${agent.label} spent tokens`);
      }
    }
    const statuses = Object.fromEntries(tasks.map((t) => [t.taskId, t.contextValue]));
    assert.equal(statuses['add-divide'], 'loom.task.conflicted', 'add-divide is held by the conflict');
    console.log(`[simulatedRun] tree: ${run.label} (${run.description})\n  ${children.map((c) => `${c.label} — ${c.description}`).join('\n  ')}`);
  });

  it('a run that ended leaves no child process of the extension host', async () => {
    assert.ok(firstRunId, 'needs the first run');
    const left = () => newProcesses();
    await waitFor('the finished run\'s processes to exit', () => left().length === 0, 15_000, 200).catch(() => undefined);
    assert.deepEqual(left(), [], `left behind:\n${describeProcesses(left())}`);
  });

  it('loom.resolveEscalation hands esc-1 to the merge agent: a two-parent merge with both exports lands on the integration branch', async () => {
    assert.ok(firstRunId, 'needs the first run');
    const result = await vscode.commands.executeCommand<{ status: string; integrationBranch: string | null } | undefined>('loom.resolveEscalation', {
      escalationId: 'esc-1',
      choice: 'mergeAgent',
    });
    assert.ok(
      result,
      'loom.resolveEscalation {choice: "mergeAgent"} returned nothing: the command failed (it shows the error in a notification and the Loom log)',
    );
    assert.equal(result.status, 'succeeded');
    const branch = `loom/${firstRunId}/integration`;
    assert.equal(result.integrationBranch, branch);
    const index = showFile(repo, branch, 'src/index.js');
    assert.match(index, /multiply/);
    assert.match(index, /divide/);
    assert.doesNotMatch(index, /<<<<<<<|>>>>>>>/);
    assert.equal(parentsOf(repo, branch).length, 2, 'a two-parent merge commit');
    assert.deepEqual(branches(repo, `loom/${firstRunId}/integration`), [branch]);
    const files = filesOnBranch(repo, branch);
    for (const file of ['src/multiply.js', 'src/divide.js', 'src/mean.js']) assert.ok(files.includes(file), `${branch} has ${file}: ${files.join(', ')}`);
    assert.equal(api.state.escalations.find((e) => e.escalationId === 'esc-1')?.resolution, 'mergeAgent');
    assert.equal(api.state.tasks.find((t) => t.task.id === 'add-divide')?.status, 'merged');
    // The tree no longer lists the answered escalation, and the run shows it succeeded.
    const [run] = api.agentsTree();
    assert.deepEqual(api.agentsTree(run).filter((n) => n.kind === 'escalation'), []);
    assert.match(run.description, /^Succeeded/);
  });

  it('loom.stopRun stops a second run mid-flight: no agent runs and no child process of the extension host remains', async () => {
    assert.ok(firstRunId, 'needs the first run');
    assert.equal(api.isRunning, false);
    const second = await vscode.commands.executeCommand<{ runId: string } | undefined>('loom.startPlan', {
      specPath,
      repoPath: repo,
      source: 'simulator',
      autoConfirm: true,
    });
    assert.ok(second?.runId, 'the second loom.startPlan started');
    assert.notEqual(second.runId, firstRunId);
    await waitFor('implementors to be running', () => api.state.agents.filter((a) => a.role === 'implementor' && a.status === 'running').length >= 2, 120_000);
    // Each implementor talks to Loom's tool server, an MCP subprocess: stop while one is alive.
    const toolServers = () => newProcesses().filter((p) => /loomToolServer/.test(p.command));
    await waitFor('an implementor\'s MCP tool server (dist/tools/loomToolServer.js) to be running', () => toolServers().length > 0 || !api.isRunning, 60_000, 50);
    assert.ok(api.isRunning, 'the run was still going when its tool servers were seen');
    const during = newProcesses();
    const threadsDuring = threadCount();
    console.log(`[simulatedRun] second run ${second.runId} mid-flight: ${api.state.agents.filter((a) => a.status === 'running').length} agents running, ${during.length} new child processes\n  ${describeProcesses(during).replace(/\n/g, '\n  ')}`);

    assert.ok(toolServers().length > 0 || during.some((p) => /loomToolServer/.test(p.command)), 'an MCP tool server ran when loom.stopRun was issued');
    const stopped = Date.now();
    await vscode.commands.executeCommand('loom.stopRun');
    await waitFor('the run to stop', () => !api.isRunning, 60_000);
    console.log(`[simulatedRun] stopped in ${Date.now() - stopped} ms: ${api.state.status}`);
    assert.equal(api.state.status, 'stopped');
    assert.deepEqual(api.state.agents.filter((a) => a.status === 'running').map((a) => a.agentId), [], 'no agent is still running');
    await waitFor('the stopped run\'s processes to exit', () => newProcesses().length === 0, 15_000, 200).catch(() => undefined);
    assert.deepEqual(newProcesses(), [], `left behind after loom.stopRun:\n${describeProcesses(newProcesses())}`);
    console.log(`[simulatedRun] extension host threads: ${threadsBefore} before any run, ${threadsDuring} mid-flight, ${threadCount()} after loom.stopRun`);
    const [run] = api.agentsTree();
    assert.equal(run?.label, `Run ${second.runId}`);
    assert.match(run.description, /^Stopped/);
  });

  it('"Open merge editor" checks the conflict out in a lease of its own, opens VS Code\'s merge editor, and loom.completeMerge lands what the person saved', async () => {
    assert.equal(api.isRunning, false);
    const third = await vscode.commands.executeCommand<{ runId: string } | undefined>('loom.startPlan', {
      specPath,
      repoPath: repo,
      source: 'simulator',
      scenarioPath: join(extensionPath, 'examples', 'demo', 'scenario-merge-fails.json'),
      autoConfirm: true,
    });
    assert.ok(third?.runId, 'the third loom.startPlan started');
    await waitFor('the third run to finish', () => !api.isRunning, 200_000, 250);
    assert.equal(api.state.status, 'escalated');

    const opened = await vscode.commands.executeCommand<{ worktree: string; files: string[] } | undefined>('loom.resolveEscalation', { escalationId: 'esc-1', choice: 'manual' });
    assert.ok(opened, 'the merge editor choice returns the merge lease');
    assert.deepEqual(opened.files, ['src/index.js']);
    assert.ok(!opened.worktree.startsWith(repo), `the merge happens outside the user's checkout (${opened.worktree})`);
    const output = vscode.Uri.file(join(opened.worktree, 'src/index.js'));
    // TabInputTextMerge is not in @types/vscode 1.100's stable API yet: read the tab's `result` by shape.
    const mergeResult = () => (vscode.window.tabGroups.activeTabGroup.activeTab?.input as { result?: vscode.Uri } | undefined)?.result;
    await waitFor('the merge editor to open', () => mergeResult()?.fsPath === output.fsPath, 20_000);
    // The merge editor starts every conflict from the base (its result turns dirty once it has).
    const doc = await vscode.workspace.openTextDocument(output);
    await waitFor('the merge editor to initialise its result', () => doc.isDirty, 20_000);

    // Completing now would keep neither side: refused (the command reports it and lands nothing).
    assert.equal(await vscode.commands.executeCommand('loom.completeMerge', { escalationId: 'esc-1' }), undefined);
    assert.equal(api.state.escalations[0].resolution, null);
    assert.equal(api.state.status, 'escalated');

    // The person keeps both exports and saves.
    const edit = new vscode.WorkspaceEdit();
    const merged = "const { sum } = require('./sum');\nconst { multiply } = require('./multiply');\nconst { divide } = require('./divide');\n\nmodule.exports = {\n  sum,\n  multiply,\n  divide,\n};\n";
    edit.replace(output, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), merged);
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await doc.save());

    const result = await vscode.commands.executeCommand<{ status: string; integrationBranch: string | null }>('loom.completeMerge', { escalationId: 'esc-1' });
    assert.equal(result.status, 'succeeded');
    assert.ok(result.integrationBranch);
    assert.equal(showFile(repo, result.integrationBranch, 'src/index.js').trim(), merged.trim());
    assert.equal(parentsOf(repo, result.integrationBranch).length, 2, 'a two-parent merge');
    assert.equal(api.state.escalations[0].resolution, 'manual');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it("the run's result: Clean Up Run keeps the integration branch, Merge Result into My Branch refuses a dirty tree, then fast-forwards the person's branch; then clean-up deletes every branch", async () => {
    assert.ok(firstRunId, 'needs the first run');
    const branch = `loom/${firstRunId}/integration`;
    const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' }).trim();
    // The result goes into a branch of the person's own; main stays as it was for the specs after this one (the window reload plans the demo from it).
    git('checkout', '-q', '-b', 'my-work');
    const head = () => git('rev-parse', 'my-work');
    const kept = await vscode.commands.executeCommand<{ keptResult: string | null } | undefined>('loom.cleanRun', { runId: firstRunId, deleteBranches: true });
    assert.equal(kept?.keptResult, branch, 'the only copy of the result is kept');
    assert.deepEqual(branches(repo, `loom/${firstRunId}/*`), [branch]);

    const before = head();
    const dirty = join(repo, 'src', 'sum.js');
    const original = readFileSync(dirty, 'utf8');
    writeFileSync(dirty, `${original}// not committed\n`);
    assert.equal(await vscode.commands.executeCommand('loom.mergeResult', { runId: firstRunId, confirmed: true }), undefined, 'refused (the error is shown)');
    assert.equal(head(), before, 'main did not move');
    assert.equal(readFileSync(dirty, 'utf8'), `${original}// not committed\n`, 'the uncommitted edit is untouched');
    writeFileSync(dirty, original);

    const merged = await vscode.commands.executeCommand<{ how: string; into: string } | undefined>('loom.mergeResult', { runId: firstRunId, confirmed: true });
    assert.deepEqual(merged && { how: merged.how, into: merged.into }, { how: 'fastForward', into: 'my-work' });
    assert.equal(head(), git('rev-parse', branch));
    for (const file of ['src/multiply.js', 'src/divide.js', 'src/mean.js']) assert.ok(existsSync(join(repo, file)), `the checkout has ${file}`);

    const cleaned = await vscode.commands.executeCommand<{ keptResult: string | null } | undefined>('loom.cleanRun', { runId: firstRunId, deleteBranches: true });
    assert.equal(cleaned?.keptResult, null, 'merged into main, the branch holds nothing of its own');
    assert.deepEqual(branches(repo, `loom/${firstRunId}/*`), []);
    git('checkout', '-q', 'main');
  });
});
