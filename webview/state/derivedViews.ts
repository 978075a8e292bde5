import type { RunEvent } from '../../extension/protocol/events';
import type { AgentState, RunState } from '../../extension/protocol/runState';
import { currentStep } from '../../extension/protocol/views/currentStep';
import { runSpan, spendByAgent, type AgentSpendSeries } from '../../extension/protocol/views/spendSeries';
import { traceItemsByAgent, type TraceItem } from '../../extension/protocol/views/traceItems';
import { growingView } from './growingView';
import type { DashboardStore } from './store';

/**
 * The heavy views of one panel's run, kept between renders and between visits of a tab: traces,
 * spend over time and each agent's current step. While the run goes on they are brought up to date
 * from the new events only (growingView), with the shared functions of extension/protocol/views
 * applied to those events; an agent whose trace did not change keeps the same list object.
 */
export interface DerivedViews {
  traces(run: RunState, events: readonly RunEvent[]): Map<string, TraceItem[]>;
  spend(run: RunState, events: readonly RunEvent[]): AgentSpendSeries[];
  span(run: RunState, events: readonly RunEvent[]): number;
  steps(run: RunState, traces: Map<string, TraceItem[]>): Map<string, string>;
}

// One set of kept views per panel store.
const viewsOfStore = new WeakMap<DashboardStore, DerivedViews>();

export function derivedViewsOf(store: DashboardStore): DerivedViews {
  let views = viewsOfStore.get(store);
  if (!views) viewsOfStore.set(store, (views = createDerivedViews()));
  return views;
}

/**
 * Bring the kept views up to date as live events arrive, whatever tab shows: a few new events cost
 * little each frame, whereas a tab opened after minutes of events would fold them all at once.
 * Returns the unsubscribe function.
 */
export function keepDerivedViewsCurrent(store: DashboardStore): () => void {
  const views = derivedViewsOf(store);
  return store.subscribe((state, previous) => {
    if (state.timelineSeq !== null || state.events === previous.events) return;
    views.steps(state.run, views.traces(state.run, state.events));
    views.spend(state.run, state.events);
    views.span(state.run, state.events);
  });
}

export function createDerivedViews(): DerivedViews {
  const traces = growingView(traceItemsByAgent, extendTraces, (run) => run.agents);
  const spend = growingView(spendByAgent, extendSpend, (run) => run.agents);
  const span = growingView(runSpan, (previous, run, added) => (run.startedAt === null ? null : Math.max(previous, runSpan(run, added))));
  const stepCache = new Map<string, { agent: AgentState; items: readonly TraceItem[]; escalations: RunState['escalations']; step: string }>();
  let lastSteps: { traces: Map<string, TraceItem[]>; agents: readonly AgentState[]; result: Map<string, string> } | null = null;
  return {
    traces,
    spend,
    span,
    steps(run, byAgent) {
      if (lastSteps && lastSteps.traces === byAgent && lastSteps.agents === run.agents) return lastSteps.result;
      const result = new Map<string, string>();
      for (const agent of run.agents) {
        const items = byAgent.get(agent.agentId) ?? [];
        const cached = stepCache.get(agent.agentId);
        if (cached && cached.agent === agent && cached.items === items && cached.escalations === run.escalations) {
          result.set(agent.agentId, cached.step);
          continue;
        }
        // The step reads the last item and the calls of its turn, all at the end: the tail is enough.
        const step = currentStep(agent, items.length > STEP_TAIL ? items.slice(-STEP_TAIL) : items, run);
        stepCache.set(agent.agentId, { agent, items, escalations: run.escalations, step });
        result.set(agent.agentId, step);
      }
      lastSteps = { traces: byAgent, agents: run.agents, result };
      return result;
    },
  };
}

const STEP_TAIL = 64;

const byStart = (a: TraceItem, b: TraceItem) => a.start - b.start || Number(a.key) - Number(b.key);

/** The new events' trace items added to each agent's list; an escalation answer needs its opening, so it asks for a full pass. */
function extendTraces(previous: Map<string, TraceItem[]>, run: RunState, added: readonly RunEvent[]): Map<string, TraceItem[]> | null {
  if (added.some((e) => e.type === 'escalation/didResolve')) return null;
  const fresh = traceItemsByAgent(run, added);
  const result = new Map<string, TraceItem[]>();
  for (const agent of run.agents) {
    const old = previous.get(agent.agentId) ?? [];
    const more = fresh.get(agent.agentId) ?? [];
    if (!more.length) result.set(agent.agentId, old);
    else if (!old.length || byStart(old[old.length - 1], more[0]) <= 0) result.set(agent.agentId, old.concat(more));
    else result.set(agent.agentId, old.concat(more).sort(byStart));
  }
  return result;
}

/** Each agent's series continued with the new model calls: their cumulative figures start where the old ones ended. */
function extendSpend(previous: AgentSpendSeries[], run: RunState, added: readonly RunEvent[]): AgentSpendSeries[] | null {
  if (run.startedAt === null) return null;
  const old = new Map(previous.map((s) => [s.agentId, s]));
  return spendByAgent(run, added).map((series) => {
    const before = old.get(series.agentId);
    if (!before) return series;
    if (series.points.length === 1) return before;
    const end = before.points[before.points.length - 1];
    // Costs are linear in tokens (costUsd), so the new calls' cost adds to the old; unpriced stays null.
    const more = series.points.slice(1).map((p) => ({ t: Math.max(end.t, p.t), tokens: end.tokens + p.tokens, cost: p.cost === null || end.cost === null ? null : end.cost + p.cost }));
    return { ...before, points: before.points.concat(more) };
  });
}
