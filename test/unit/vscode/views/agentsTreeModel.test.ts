import assert from 'node:assert/strict';
import { foldEvents } from '../../../../extension/protocol/reduce';
import { initialRunState } from '../../../../extension/protocol/runState';
import { agentIcon, childNodes, rootNodes } from '../../../../extension/vscode/views/agentsTreeModel';
import { spendOf } from '../../../../extension/protocol/views/spend';
import { formatTokens } from '../../../../extension/vscode/views/usageText';
import { statusBarContent } from '../../../../extension/vscode/views/statusBarText';
import { loadRecordedRun } from '../../webview/recordedRun';

describe('vscode/views/agentsTreeModel', () => {
  const events = loadRecordedRun();
  const state = foldEvents(events);

  it('shows nothing before a run', () => {
    assert.deepEqual(rootNodes(initialRunState()), []);
    assert.equal(statusBarContent(initialRunState()).visible, false);
  });

  it('derives run → tasks → agents with unique ids, icons and spend', () => {
    const [run] = rootNodes(state);
    assert.equal(run.kind, 'run');
    assert.match(run.label, /run-7f3a2c/);
    assert.match(run.description, /tok · \$[\d.]+ \+ unpriced$/); // one agent ran a local model without a price
    const children = childNodes(state, run);
    const tasks = children.filter((n) => n.kind === 'task');
    assert.deepEqual(
      tasks.map((t) => (t.kind === 'task' ? t.taskId : '')),
      state.tasks.map((t) => t.task.id),
    );
    const coordinator = children.find((n) => n.kind === 'agent');
    assert.ok(coordinator && coordinator.kind === 'agent' && coordinator.taskId === null, 'the coordinator sits under the run');
    const ids = new Set<string>();
    let agents = 0;
    for (const node of children) {
      assert.ok(!ids.has(node.id), `duplicate id ${node.id}`);
      ids.add(node.id);
      for (const child of childNodes(state, node)) {
        assert.equal(child.kind, 'agent');
        assert.ok(!ids.has(child.id));
        ids.add(child.id);
        agents++;
      }
    }
    assert.equal(agents + children.filter((n) => n.kind === 'agent').length, state.agents.length, 'every agent appears once');
    for (const t of tasks) assert.match(t.contextValue, /^loom\.task\./);
  });

  it('lists open escalations first and leaves resolved ones out', () => {
    const [run] = rootNodes(state);
    const escalations = childNodes(state, run).filter((n) => n.kind === 'escalation');
    assert.equal(escalations.length, state.escalations.filter((e) => e.resolution === null).length);
  });

  it('marks running agents so Stop Agent is offered only for them', () => {
    const midRun = foldEvents(events.slice(0, events.findIndex((e) => e.type === 'agent/didStart' && e.role === 'implementor') + 1));
    const [run] = rootNodes(midRun);
    assert.equal(run.contextValue, 'loom.run.active');
    const all = childNodes(midRun, run).flatMap((n) => [n, ...childNodes(midRun, n)]);
    const running = all.filter((n) => n.kind === 'agent' && n.running);
    assert.ok(running.length > 0);
    for (const n of running) {
      assert.equal(n.contextValue, 'loom.agent.running');
      assert.equal(n.icon.id, 'sync~spin');
    }
    assert.match(statusBarContent(midRun).text, /\d+ agents? · /);
  });

  it('gives finished agents an icon by outcome', () => {
    const finished = state.agents.find((a) => a.outcome?.kind === 'completed');
    assert.ok(finished);
    assert.equal(agentIcon(finished).id, 'pass');
    assert.equal(agentIcon({ ...finished, outcome: { kind: 'budgetExceeded', message: 'x', next: 'stop' } }).id, 'warning');
  });

  it('formats tokens and cost', () => {
    assert.equal(formatTokens(950), '950');
    assert.equal(formatTokens(12_345), '12.3k');
    assert.equal(formatTokens(2_500_000), '2.5M');
    const priced = state.agents.filter((a) => a.model === 'gpt-4.1-mini');
    const spend = spendOf(priced, null);
    assert.ok(spend.tokens > 0);
    assert.ok(spend.pricedUsd > 0 && spend.unpricedAgentIds.length === 0, 'gpt-4.1-mini has a price');
    assert.deepEqual(spendOf([...priced, { ...priced[0], agentId: 'local-1', model: 'qwen2.5-coder:14b' }], null).unpricedAgentIds, ['local-1'], 'no guessed price');
    assert.match(statusBarContent(state).text, /Loom: Needs you · [\d.]+k tok · \$[\d.]+ \+ unpriced/);
  });
});
