import { useMemo } from 'react';
import { spendOf } from '../../extension/protocol/views/spend';
import { currentStep } from '../../extension/protocol/views/currentStep';
import { traceItemsByAgent, type TraceItem } from '../../extension/protocol/views/traceItems';
import { useDashboard } from '../state/useDashboard';

/** Trace items per agent, recomputed only when the run or the trace events change. */
export function useTraces(): Map<string, TraceItem[]> {
  const run = useDashboard((s) => s.run);
  const events = useDashboard((s) => s.events);
  return useMemo(() => traceItemsByAgent(run, events), [run, events]);
}

export function useRunSpend() {
  const run = useDashboard((s) => s.run);
  return useMemo(() => spendOf(run.agents, run.prices), [run]);
}

/** What each agent is doing now, by agent id. */
export function useCurrentSteps(): Map<string, string> {
  const run = useDashboard((s) => s.run);
  const traces = useTraces();
  return useMemo(() => new Map(run.agents.map((a) => [a.agentId, currentStep(a, traces.get(a.agentId) ?? [], run)])), [run, traces]);
}
