import type { RunState } from '../../protocol/runState';
import { spendOf } from '../../protocol/views/spend';
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
  const icon = active ? '$(sync~spin)' : state.status === 'succeeded' ? '$(pass)' : state.status === 'escalated' ? '$(report)' : state.status === 'stopped' ? '$(debug-stop)' : state.status === 'failed' ? '$(error)' : '$(circuit-board)';
  const agents = active ? `${running} agent${running === 1 ? '' : 's'} · ` : `${state.status} · `;
  const open = state.escalations.filter((e) => e.resolution === null).length;
  return {
    text: `${icon} Loom: ${agents}${spend}`,
    tooltip: `Loom run ${state.runId}: ${state.status}\n${running} agent(s) running, ${state.agents.length} in all\n${spend}${open ? `\n${open} escalation(s) wait for you` : ''}\nClick to open the dashboard`,
    visible: true,
  };
}
