import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../../../../extension/protocol/events';
import { foldEvents, reduce } from '../../../../extension/protocol/reduce';
import type { RunState } from '../../../../extension/protocol/runState';
import { agentFailed, verifierFailureText } from '../../../../extension/protocol/views/agentVerdict';
import { currentStep } from '../../../../extension/protocol/views/currentStep';
import { childNodes, OPEN_ESCALATIONS_COMMAND, rootNodes, type AgentsNode } from '../../../../extension/vscode/views/agentsTreeModel';
import { statusBarContent } from '../../../../extension/vscode/views/statusBarText';
import { loadRecordedRun } from '../../webview/recordedRun';

/** The sidebar says what each row is doing in words a newcomer reads at a glance. */
describe('vscode/views/agentsTreeModel (status, escalations, expansion)', () => {
  const events = loadRecordedRun();
  const state = foldEvents(events);
  const last = events[events.length - 1];
  const next = (s: RunState, body: Record<string, unknown>, i = 1): RunState => reduce(s, { seq: last.seq + i, ts: last.ts + i, ...body } as RunEvent);

  const childrenOf = (s: RunState) => childNodes(s, rootNodes(s)[0]);
  const tasksOf = (s: RunState) => childrenOf(s).filter((n): n is Extract<AgentsNode, { kind: 'task' }> => n.kind === 'task');

  it('every task is expandable and so starts expanded, with no agents yet too', () => {
    const planned = foldEvents(events.slice(0, events.findIndex((e) => e.type === 'plan/didAccept') + 1));
    const tasks = tasksOf(planned);
    assert.ok(tasks.length > 1);
    for (const t of tasks) {
      assert.equal(t.collapsible, true, t.id);
      assert.match(t.label, /^Pending · /);
    }
  });

  it('the status leads the task label, the tooltip has everything', () => {
    for (const t of tasksOf(state)) {
      const task = state.tasks.find((x) => x.task.id === t.taskId)!;
      assert.ok(t.label.endsWith(` · ${task.task.title}`), t.label);
      assert.match(t.tooltip, new RegExp(`^${t.taskId}: `));
      assert.match(t.tooltip, /\nStatus: /);
      assert.match(t.tooltip, /\nScope: /);
    }
  });

  it('a run waiting on a person says "Needs you" on the run row, each open escalation row and the status bar', () => {
    assert.equal(state.status, 'escalated');
    const [run] = rootNodes(state);
    assert.match(run.description, /^Needs you · /);
    assert.equal(run.icon.id, 'report');
    assert.match(statusBarContent(state).text, /^\$\(report\) Loom: Needs you · /);
    const escalations = childrenOf(state).filter((n) => n.kind === 'escalation');
    assert.equal(escalations.length, 1);
    for (const e of escalations) {
      assert.match(e.description, /^Needs you · /);
      assert.equal(e.icon.id, 'report');
    }
    // A run whose journal ended "failed" but still has a question open waits on a person too, not red.
    const failedButWaiting = { ...state, status: 'failed' as const };
    assert.match(rootNodes(failedButWaiting)[0].description, /^Needs you · /);
    assert.match(statusBarContent(failedButWaiting).text, /Loom: Needs you · /);
    const answered = { ...failedButWaiting, escalations: state.escalations.map((e) => ({ ...e, resolution: 'ours' })) };
    assert.match(rootNodes(answered)[0].description, /^Failed · /);
    assert.equal(rootNodes(answered)[0].icon.id, 'error');
  });

  it('a task a question is open about reads "Needs you (esc-N)"', () => {
    const open = state.escalations.find((e) => e.resolution === null)!;
    const held = tasksOf(state).find((t) => open.taskIds.includes(t.taskId) && state.tasks.find((x) => x.task.id === t.taskId)!.status !== 'merged')!;
    assert.match(held.label, new RegExp(`^Needs you \\(${open.escalationId}\\) · `));
    assert.equal(held.icon.id, 'report');
  });

  it('an escalation row opens the dashboard on its Escalations tab and offers Resolve Escalation… in its menu', () => {
    const [row] = childrenOf(state).filter((n) => n.kind === 'escalation');
    assert.ok(row.kind === 'escalation');
    assert.equal(row.contextValue, 'loom.escalation');
    assert.deepEqual(row.command, { command: OPEN_ESCALATIONS_COMMAND, title: 'Open Escalations', arguments: [{ escalationId: row.escalationId }] });
    assert.equal(OPEN_ESCALATIONS_COMMAND, 'loom.openEscalations');
    const manifest = (JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8')) as { contributes: { menus: Record<string, { command: string; when?: string }[]> } }).contributes.menus['view/item/context'];
    const onRow = manifest.filter((m) => m.when?.includes(`viewItem == ${row.contextValue}`)).map((m) => m.command);
    assert.ok(onRow.includes('loom.resolveEscalation'), 'Resolve Escalation… in its context menu');
    assert.ok(onRow.includes(OPEN_ESCALATIONS_COMMAND), 'Open Dashboard on the Escalations tab in its context menu');
  });

  it('Stop Run labels the tasks it stopped "Stopped", not failed', () => {
    const running = foldEvents(events.slice(0, events.findIndex((e) => e.type === 'task/didStart') + 1));
    const taskId = running.tasks.find((t) => t.status === 'running')!.task.id;
    const stopped = next(running, { type: 'task/didFail', taskId, reason: 'run stopped', stopped: true });
    assert.equal(stopped.tasks.find((t) => t.task.id === taskId)!.status, 'stopped');
    const row = tasksOf(stopped).find((t) => t.taskId === taskId)!;
    assert.match(row.label, /^Stopped · /);
    assert.equal(row.icon.id, 'debug-stop');
    const failed = next(running, { type: 'task/didFail', taskId, reason: 'implementor crashed' });
    assert.match(tasksOf(failed).find((t) => t.taskId === taskId)!.label, /^Failed · /);
  });

  it('a second attempt is labelled', () => {
    const running = foldEvents(events.slice(0, events.findIndex((e) => e.type === 'task/didStart') + 1));
    const taskId = running.tasks.find((t) => t.status === 'running')!.task.id;
    const again = next(running, { type: 'task/didStart', taskId, attempt: 2 });
    assert.match(tasksOf(again).find((t) => t.taskId === taskId)!.label, /^Running \(attempt 2\) · /);
    const [retried] = childNodes(state, tasksOf(state).find((t) => t.taskId === 'truncate')!).filter((n) => n.kind === 'agent' && n.agentId === 'impl-truncate-2');
    assert.match(retried.description, /^implementor · attempt 2 · /);
  });

  it('a verifier that failed its task is red and says Failed, one that passed is a green Done', () => {
    // verify-truncate-1 failed the first attempt of truncate; verify-truncate-2 passed the second.
    const failing = state.agents.find((a) => a.agentId === 'verify-truncate-1')!;
    const passing = state.agents.find((a) => a.agentId === 'verify-truncate-2')!;
    const rows = childrenOf(state).flatMap((n) => childNodes(state, n));
    const failedRow = rows.find((n) => n.kind === 'agent' && n.agentId === failing.agentId)!;
    const passedRow = rows.find((n) => n.kind === 'agent' && n.agentId === passing.agentId)!;
    assert.equal(failedRow.icon.id, 'error');
    assert.match(failedRow.description, /^verifier · Failed: 2 error findings · /);
    assert.match(rows.find((n) => n.kind === 'agent' && n.agentId === passing.agentId)!.description, /^verifier · attempt 2 · /, "the second round's verifier says so");
    assert.equal(passedRow.icon.id, 'pass');
    assert.equal(currentStep(failing, [], state), 'Failed: 2 error findings');
    assert.equal(currentStep(passing, [], state), 'Done: verified');
    assert.equal(verifierFailureText(1), '1 error finding', 'the verifier says one finding in the singular');
    assert.ok(agentFailed({ role: 'verifier', outcome: { kind: 'completed', message: verifierFailureText(1), next: 'none' } }));
    assert.ok(!agentFailed({ role: 'implementor', outcome: { kind: 'completed', message: 'reported a result', next: 'none' } }));
  });

  it('counts agents in words: "1 agent", "2 agents"', () => {
    const midRun = foldEvents(events.slice(0, events.findIndex((e) => e.type === 'agent/didStart') + 1));
    assert.match(statusBarContent(midRun).text, /Loom: 1 agent · /);
    assert.match(statusBarContent(midRun).tooltip, /1 of 1 agent running/);
  });
});
