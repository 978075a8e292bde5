import type { RunState } from '../../protocol/runState';
import { spendOf } from '../../protocol/views/spend';
import { formatSpend } from '../views/usageText';

/** One line for the progress notification while a run is active. */
export function progressMessage(state: RunState): string {
  if (state.status === 'idle') return 'starting…';
  if (state.status === 'planning' || state.tasks.length === 0) return 'the coordinator is planning…';
  const done = state.tasks.filter((t) => t.status === 'succeeded' || t.status === 'merged').length;
  const failed = state.tasks.filter((t) => t.status === 'failed' || t.status === 'blocked').length;
  const running = state.agents.filter((a) => a.status === 'running').length;
  return [
    `${done}/${state.tasks.length} tasks verified`,
    failed ? `${failed} failed` : '',
    `${running} agent${running === 1 ? '' : 's'} running`,
    formatSpend(spendOf(state.agents, state.prices)),
  ]
    .filter(Boolean)
    .join(' · ');
}
