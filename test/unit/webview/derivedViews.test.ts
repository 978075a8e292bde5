import assert from 'node:assert/strict';
import type { RunEvent } from '../../../extension/protocol/events';
import { foldEvents } from '../../../extension/protocol/reduce';
import { currentStep } from '../../../extension/protocol/views/currentStep';
import { runSpan, spendByAgent, type AgentSpendSeries } from '../../../extension/protocol/views/spendSeries';
import { traceItemsByAgent } from '../../../extension/protocol/views/traceItems';
import { createDerivedViews } from '../../../webview/state/derivedViews';
import { dashboardJournal } from '../../bench/dashboardJournal';
import { loadRecordedRun } from './recordedRun';

/** Costs summed call by call differ from one product in the last bits; a cent's billionth is nothing. */
function roundedSpend(series: AgentSpendSeries[]) {
  return series.map((s) => ({ ...s, points: s.points.map((p) => ({ ...p, cost: p.cost === null ? null : Math.round(p.cost * 1e9) })) }));
}

/** Grow the journal in uneven steps, as frames fold what arrived, and compare every view with the full computation. */
function checkGrowing(events: RunEvent[], steps: number[]) {
  const views = createDerivedViews();
  let end = 0;
  for (let i = 0; end < events.length; i++) {
    end = Math.min(events.length, end + steps[i % steps.length]);
    const shown = events.slice(0, end);
    const run = foldEvents(shown);
    const traces = views.traces(run, shown);
    assert.deepEqual(traces, traceItemsByAgent(run, shown), `traces at ${end}`);
    assert.deepEqual(roundedSpend(views.spend(run, shown)), roundedSpend(spendByAgent(run, shown)), `spend at ${end}`);
    assert.equal(views.span(run, shown), runSpan(run, shown), `span at ${end}`);
    assert.deepEqual(views.steps(run, traces), new Map(run.agents.map((a) => [a.agentId, currentStep(a, traces.get(a.agentId) ?? [], run)])), `steps at ${end}`);
  }
}

describe('webview/state/derivedViews', () => {
  it('brought up to date event by event, the recorded run shows what computing it afresh shows (escalations answered included)', () => {
    checkGrowing(loadRecordedRun(), [1, 3, 7, 2]);
  });

  it('16 agents streaming: the same views, and an agent without new events keeps its trace list', () => {
    const journal = dashboardJournal({ agents: 16, spans: 1500 });
    const events = [...journal.history, ...journal.next(300, Date.now(), 5)];
    checkGrowing(events, [40, 3, 1, 17]);

    const views = createDerivedViews();
    const before = events.slice(0, -1);
    const first = views.traces(foldEvents(before), before);
    const last = events[events.length - 1] as Extract<RunEvent, { agentId: string }>;
    const after = views.traces(foldEvents(events), events);
    for (const [agentId, items] of after) assert.equal(items === first.get(agentId), agentId !== last.agentId, agentId);
  });

  it('moving back on the timeline computes the views afresh', () => {
    const events = loadRecordedRun();
    const views = createDerivedViews();
    views.traces(foldEvents(events), events);
    const past = events.slice(0, 60);
    assert.deepEqual(views.traces(foldEvents(past), past), traceItemsByAgent(foldEvents(past), past));
  });
});
