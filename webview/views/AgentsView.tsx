import { formatUsd } from '../../extension/protocol/pricing';
import { memo, useMemo } from 'react';
import type { AgentState } from '../../extension/protocol/runState';
import { formatClock, formatCount, formatDuration, formatInput, formatTokens } from '../format';
import { costOfAgent } from '../../extension/protocol/views/spend';
import { peakConcurrency } from '../../extension/protocol/views/peakConcurrency';
import type { DashboardActions } from '../state/store';
import { useDashboard } from '../state/useDashboard';
import { BudgetBar } from './BudgetBar';
import { EmptyState } from './EmptyState';
import { RoleIcon } from './RoleIcon';
import { useCurrentSteps } from './useDerived';
import { useNow } from './useNow';
import { agentFailed } from '../../extension/protocol/views/agentVerdict';
import { countOf } from '../../extension/protocol/views/plural';

/** Every agent of the run: what it is doing, what it used, against its budget. */
export function AgentsView() {
  const agents = useDashboard((s) => s.run.agents);
  const selectAgent = useDashboard((s) => s.selectAgent);
  const steps = useCurrentSteps();
  const running = agents.filter((a) => a.status === 'running').length;
  const now = useNow(running > 0);
  const peak = useMemo(() => peakConcurrency(agents, ['implementor'], now), [agents, now]);
  if (agents.length === 0) {
    return (
      <EmptyState icon="organization" title="No agents yet">
        Agents appear as the coordinator and the scheduler start them.
      </EmptyState>
    );
  }
  return (
    <div className="view agents-view">
      <div className="view-toolbar muted">
        <span>
          {countOf(agents.length, 'agent')} · {running} running
        </span>
        {peak.peak > 1 && peak.at !== null && (
          <span title="Implementors running at the same moment">
            <i className="codicon codicon-server-process" aria-hidden="true" /> {peak.peak} implementors in parallel at {formatClock(peak.at)}
          </span>
        )}
      </div>
      <table className="data-table agents-table">
        <thead>
          <tr>
            <th>Agent</th>
            <th>Task</th>
            <th>Model</th>
            <th className="col-step">Current step</th>
            <th className="num">Tokens</th>
            <th className="num">Cost</th>
            <th className="col-budget">Budget</th>
            <th className="num">Calls</th>
            <th className="num">Time</th>
          </tr>
        </thead>
        <tbody>
          {agents.map((a) => (
            <AgentRow key={a.agentId} agent={a} step={steps.get(a.agentId) ?? ''} now={now} selectAgent={selectAgent} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One agent's row; rendered again only when that agent, its step or the clock changed (an event about another agent leaves it be). */
const AgentRow = memo(function AgentRow({ agent: a, step, now, selectAgent }: { agent: AgentState; step: string; now: number; selectAgent: DashboardActions['selectAgent'] }) {
  const prices = useDashboard((s) => s.run.prices);
  const onOpen = () => selectAgent(a.agentId, { showTraces: true });
  const used = a.usage.inputTokens + a.usage.outputTokens;
  const failed = agentFailed(a);
  return (
    <tr
      className={`agent-row ${a.status}${failed ? ' failed' : ''}`}
      data-agent={a.agentId}
      tabIndex={0}
      onClick={onOpen}
      onKeyDown={(e) => {
        if (e.key === 'Enter') onOpen();
      }}
      title="Show this agent's trace"
    >
      <td>
        <span className="agent-cell">
          <i
            className={`codicon codicon-${a.status === 'running' ? 'sync codicon-modifier-spin' : failed ? 'error' : 'pass'} agent-state`}
            aria-label={a.status}
          />
          <RoleIcon role={a.role} />
          <span className="agent-id">{a.agentId}</span>
        </span>
      </td>
      <td>{a.taskId ?? <span className="muted">—</span>}</td>
      <td className="muted">{a.model}</td>
      <td className="col-step" title={step}>
        {step}
      </td>
      <td className="num" title={`${formatInput(a.usage, formatCount)} · ${formatCount(a.usage.outputTokens)} out`}>
        {formatTokens(used)}
      </td>
      <td className="num">{formatUsd(costOfAgent(a, prices))}</td>
      <td className="col-budget">
        <BudgetBar used={used} budget={a.budgetTokens} />
      </td>
      <td className="num" title={`${a.modelCalls} model calls, ${a.toolCalls} tool calls`}>
        {a.modelCalls} / {a.toolCalls}
      </td>
      <td className="num">{formatDuration((a.endedAt ?? now) - a.startedAt)}</td>
    </tr>
  );
});
