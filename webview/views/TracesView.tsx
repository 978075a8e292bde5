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
          <button
            key={a.agentId}
            className={`agent-list-item${a.agentId === agent.agentId ? ' selected' : ''}`}
            data-agent={a.agentId}
            aria-current={a.agentId === agent.agentId}
            onClick={() => selectAgent(a.agentId)}
          >
            <RoleIcon role={a.role} />
            <span className="agent-list-id">{a.agentId}</span>
            <span className="agent-list-count muted">{traces.get(a.agentId)?.length ?? 0}</span>
          </button>
        ))}
      </nav>
      <div className="trace-main">
        <TraceTimeline agent={agent} items={items} selectedKey={selected?.key ?? null} onSelect={selectTrace} />
        <TraceDetail item={selected} items={items} />
      </div>
    </div>
  );
}
