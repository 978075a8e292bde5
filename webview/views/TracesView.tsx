import { memo } from 'react';
import type { AgentState } from '../../extension/protocol/runState';
import type { DashboardActions } from '../state/store';
import { useDashboard } from '../state/useDashboard';
import { EmptyState } from './EmptyState';
import { RoleIcon } from './RoleIcon';
import { TraceDetail } from './TraceDetail';
import { TraceTimeline } from './TraceTimeline';
import { useTraces } from './useDerived';

/** Per-agent timelines of model and tool calls, with the selected call's detail. */
export function TracesView() {
  const agents = useDashboard((s) => s.run.agents);
  const selectedAgentId = useDashboard((s) => s.ui.selectedAgentId);
  const selectedKey = useDashboard((s) => s.ui.selectedTraceKey);
  const selectAgent = useDashboard((s) => s.selectAgent);
  const selectTrace = useDashboard((s) => s.selectTrace);
  const traces = useTraces();
  if (agents.length === 0) {
    return <EmptyState icon="pulse" title="No traces yet" />;
  }
  const agent = agents.find((a) => a.agentId === selectedAgentId) ?? agents[0];
  const items = traces.get(agent.agentId) ?? [];
  const selected = items.find((i) => i.key === selectedKey) ?? null;
  return (
    <div className="view traces-view">
      <nav className="agent-list" aria-label="Agents">
        {agents.map((a) => (
          <AgentListItem key={a.agentId} agent={a} selected={a.agentId === agent.agentId} count={traces.get(a.agentId)?.length ?? 0} selectAgent={selectAgent} />
        ))}
      </nav>
      <div className="trace-main">
        <TraceTimeline agent={agent} items={items} selectedKey={selected?.key ?? null} onSelect={selectTrace} />
        <TraceDetail item={selected} items={items} />
      </div>
    </div>
  );
}

/** An agent in the list beside the trace: rendered again only when its own figures change. */
const AgentListItem = memo(function AgentListItem({ agent: a, selected, count, selectAgent }: { agent: AgentState; selected: boolean; count: number; selectAgent: DashboardActions['selectAgent'] }) {
  return (
    <button className={`agent-list-item${selected ? ' selected' : ''}`} data-agent={a.agentId} aria-current={selected} onClick={() => selectAgent(a.agentId)}>
      <RoleIcon role={a.role} />
      <span className="agent-list-id">{a.agentId}</span>
      <span className="agent-list-count muted">{count}</span>
    </button>
  );
});
