import assert from 'node:assert/strict';
import { foldEvents } from '../../../extension/protocol/reduce';
import { displayNow, lastActivity, LIVE_CLOCK_MAX_GAP_MS } from '../../../extension/protocol/views/clock';
import { currentStep } from '../../../extension/protocol/views/currentStep';
import { peakConcurrency, peakOverlap } from '../../../extension/protocol/views/peakConcurrency';
import { requirementRows } from '../../../extension/protocol/views/requirementRows';
import { costOfAgent, spendOf } from '../../../extension/protocol/views/spend';
import { runSpan, spendByAgent } from '../../../extension/protocol/views/spendSeries';
import { traceItemsByAgent, traceLabel } from '../../../extension/protocol/views/traceItems';
import { layoutPlan } from '../../../webview/state/layoutPlan';
import { loadRecordedRun } from '../webview/recordedRun';

describe('protocol/views: views derived from the folded run', () => {
  const all = loadRecordedRun();
  const run = foldEvents(all);
  const events = all;

  it('spend per agent steps up to each agent\'s folded usage', () => {
    const series = spendByAgent(run, events);
    assert.deepEqual(
      series.map((s) => s.agentId),
      run.agents.map((a) => a.agentId),
    );
    for (const s of series) {
      const agent = run.agents.find((a) => a.agentId === s.agentId)!;
      const last = s.points[s.points.length - 1];
      assert.equal(last.tokens, agent.usage.inputTokens + agent.usage.outputTokens, s.agentId);
      assert.equal(s.points.length, agent.modelCalls + 1);
      for (let i = 1; i < s.points.length; i++) assert.ok(s.points[i].t >= s.points[i - 1].t && s.points[i].tokens >= s.points[i - 1].tokens);
      const cost = costOfAgent(agent, run.prices);
      if (cost === null) assert.equal(last.cost, null);
      else assert.ok(Math.abs((last.cost ?? NaN) - cost) < 1e-9, s.agentId);
    }
    assert.ok(runSpan(run, events) > 140_000 && runSpan(run, events) < 142_000);
  });

  it('a model without a price has no cost, and the run total says which agents it leaves out', () => {
    const local = run.agents.find((a) => a.model.startsWith('qwen'))!;
    assert.equal(costOfAgent(local, run.prices), null);
    const spend = spendOf(run.agents, run.prices);
    assert.deepEqual(spend.unpricedAgentIds, [local.agentId]);
    assert.ok(spend.pricedUsd > 0.05 && spend.pricedUsd < 0.2, String(spend.pricedUsd));
  });

  it('traces list each agent\'s model and tool calls in time order, with verifier checks and escalations', () => {
    const traces = traceItemsByAgent(run, events);
    const slug = traces.get('impl-slugify-1')!;
    assert.deepEqual(
      slug.map((i) => i.kind),
      ['model', 'tool', 'model', 'tool', 'modelError', 'model', 'tool', 'model', 'tool', 'checkpoint', 'model', 'tool'],
    );
    for (let i = 1; i < slug.length; i++) assert.ok(slug[i].start >= slug[i - 1].start);
    assert.equal(traceLabel(slug[0]), 'chat gpt-4.1-mini · turn 1 → read_file');
    const verifier = traces.get('verify-truncate-1')!;
    assert.deepEqual(verifier.map((i) => i.kind), ['check', 'check', 'check', 'check', 'check']);
    const pkg = traces.get('impl-package-entry-1')!;
    assert.deepEqual(pkg.filter((i) => i.kind === 'escalation').map((i) => i.event.type), ['escalation/didOpen', 'escalation/didResolve']);
    // the conflict escalation comes after every agent ended: it belongs to none
    assert.ok(![...traces.values()].flat().some((i) => i.kind === 'escalation' && i.event.type === 'escalation/didOpen' && i.event.escalationId === 'esc-2'));
  });

  it('current step: how a finished agent ended; what a running one waits for', () => {
    const traces = traceItemsByAgent(run, events);
    const coordinator = run.agents.find((a) => a.agentId === 'coordinator-1')!;
    assert.equal(currentStep(coordinator, traces.get('coordinator-1')!, run), 'Done: reported a result');
    const cut = all.findIndex((e) => e.type === 'escalation/didOpen');
    const midRun = foldEvents(all, cut);
    const midTraces = traceItemsByAgent(midRun, all.slice(0, cut + 1));
    const pkg = midRun.agents.find((a) => a.agentId === 'impl-package-entry-1')!;
    assert.equal(currentStep(pkg, midTraces.get(pkg.agentId)!, midRun), 'Waiting for a person (esc-1, approval)');
    const slugAt = all.findIndex((e) => e.type === 'model/didRespond' && e.agentId === 'impl-slugify-1');
    const early = foldEvents(all, slugAt);
    const earlyTraces = traceItemsByAgent(early, all.slice(0, slugAt + 1));
    assert.equal(currentStep(early.agents.find((a) => a.agentId === 'impl-slugify-1')!, earlyTraces.get('impl-slugify-1')!, early), 'Calling read_file');
  });

  it('peak concurrency: the most agents of some roles at one instant, a hand-over not counted, a running agent until now', () => {
    assert.deepEqual(peakConcurrency(run.agents, ['implementor'], run.endedAt!), { peak: 3, at: run.agents.find((a) => a.agentId === 'impl-case-conversion-1')!.startedAt });
    assert.deepEqual(peakOverlap([{ start: 0, end: 10 }, { start: 10, end: 20 }]), { peak: 1, at: 0 });
    assert.deepEqual(peakOverlap([{ start: 0, end: 10 }, { start: 5, end: 20 }, { start: 9, end: 12 }]), { peak: 3, at: 9 });
    const mid = foldEvents(all, 30);
    assert.equal(peakConcurrency(mid.agents, ['implementor'], all[30].ts).peak, 3, 'running implementors count until now');
  });

  it('requirements summarize the status of their tasks', () => {
    assert.deepEqual(
      requirementRows(run).map((r) => [r.id, r.status, r.tasks.map((t) => t.task.id)]),
      [
        ['R1', 'merged', ['slugify']],
        ['R2', 'merged', ['truncate']],
        ['R3', 'merged', ['case-conversion']],
        ['R4', 'atRisk', ['package-entry']],
      ],
    );
  });

  it('lays the plan out left to right along its dependencies', () => {
    const layout = layoutPlan(run.tasks);
    assert.equal(layout.nodes.length, 4);
    assert.deepEqual(layout.edges.map((e) => `${e.from}->${e.to}`).sort(), ['slugify->package-entry', 'truncate->package-entry']);
    const x = Object.fromEntries(layout.nodes.map((n) => [n.id, n.x]));
    assert.ok(x['package-entry'] > x.slugify && x['package-entry'] > x.truncate);
    for (const n of layout.nodes) assert.ok(n.x >= 0 && n.y >= 0 && n.x + n.width <= layout.width && n.y + n.height <= layout.height);
    for (const e of layout.edges) assert.ok(e.points.length >= 2);
  });
});

describe('protocol/views/clock', () => {
  it('measures running things against the wall clock while the journal is live, else against its last moment', () => {
    const all = loadRecordedRun();
    const mid = foldEvents(all, 40);
    const last = lastActivity(mid, all.slice(0, 41))!;
    assert.equal(last, all[40].ts);
    assert.equal(displayNow(last, last + 5000), last + 5000);
    assert.equal(displayNow(last, last + LIVE_CLOCK_MAX_GAP_MS + 1), last);
    assert.equal(displayNow(null, 123), 123);
  });
});
