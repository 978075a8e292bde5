import type { RunState } from '../../protocol/runState';
import { countOf } from '../../protocol/views/plural';
import { spendOf } from '../../protocol/views/spend';
import { runStatusText, runWaitsOnPerson } from '../../protocol/views/statusText';
import { formatSpend } from './usageText';

export interface StatusBarContent {
  text: string;
  tooltip: string;
  /** Hidden when there is no run to show. */
  visible: boolean;
}

/** The status bar item: running agents, tokens and cost of the current run. */
export function statusBarContent(state: RunState): StatusBarContent {
  if (!state.runId) return { text: '$(circuit-board) Loom', tooltip: 'Loom: no run yet', visible: false };
  const running = state.agents.filter((a) => a.status === 'running').length;
  const spend = formatSpend(spendOf(state.agents, state.prices));
  const active = state.status === 'planning' || state.status === 'running';
  const open = state.escalations.filter((e) => e.resolution === null).length;
  const status = runStatusText(state.status, open);
  const waits = runWaitsOnPerson(state.status, open);
  const icon = active ? '$(sync~spin)' : waits ? '$(report)' : state.status === 'succeeded' ? '$(pass)' : state.status === 'stopped' ? '$(debug-stop)' : state.status === 'failed' ? '$(error)' : '$(circuit-board)';
  const agents = active ? `${countOf(running, 'agent')} · ` : `${status} · `;
  return {
    text: `${icon} Loom: ${agents}${spend}`,
    tooltip: `Loom run ${state.runId}: ${status}\n${running} of ${countOf(state.agents.length, 'agent')} running\n${spend}${open ? `\n${countOf(open, 'question')} ${open === 1 ? 'waits' : 'wait'} for you` : ''}\nClick to open the dashboard`,
    visible: true,
  };
}
