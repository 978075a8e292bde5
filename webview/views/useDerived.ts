import { useMemo } from 'react';
import { spendOf } from '../../extension/protocol/views/spend';
import type { AgentSpendSeries } from '../../extension/protocol/views/spendSeries';
import type { TraceItem } from '../../extension/protocol/views/traceItems';
import { derivedViewsOf, type DerivedViews } from '../state/derivedViews';
import { useDashboard, useDashboardStore } from '../state/useDashboard';

/** The panel's kept views: a tab shown again finds them up to date instead of recomputing them. */
function useDerivedViews(): DerivedViews {
  return derivedViewsOf(useDashboardStore());
}

/** Trace items per agent, brought up to date from new events only; an unchanged agent keeps its list. */
export function useTraces(): Map<string, TraceItem[]> {
  const views = useDerivedViews();
  const run = useDashboard((s) => s.run);
  const events = useDashboard((s) => s.events);
  return views.traces(run, events);
}

/** Spend per agent over time, and the run's span, for the spend chart. */
export function useSpendSeries(): { series: AgentSpendSeries[]; span: number } {
  const views = useDerivedViews();
  const run = useDashboard((s) => s.run);
  const events = useDashboard((s) => s.events);
  const series = views.spend(run, events);
  const span = views.span(run, events);
  return useMemo(() => ({ series, span }), [series, span]);
}

export function useRunSpend() {
  const agents = useDashboard((s) => s.run.agents);
  const prices = useDashboard((s) => s.run.prices);
  return useMemo(() => spendOf(agents, prices), [agents, prices]);
}

/** What each agent is doing now, by agent id; the same map while no agent's step changed inputs. */
export function useCurrentSteps(): Map<string, string> {
  const views = useDerivedViews();
  const run = useDashboard((s) => s.run);
  const traces = useTraces();
  return views.steps(run, traces);
}
