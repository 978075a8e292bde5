import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useRef, type KeyboardEvent } from 'react';
import type { AgentState } from '../../extension/protocol/runState';
import { formatDuration, formatOffset, formatTokens } from '../format';
import { traceLabel, type TraceItem, type TraceKind } from '../../extension/protocol/views/traceItems';
import { useDashboard } from '../state/useDashboard';

const ROW_HEIGHT = 26;

export const TRACE_ICON: Record<TraceKind, string> = {
  model: 'sparkle',
  modelError: 'error',
  tool: 'tools',
  warning: 'warning',
  checkpoint: 'git-commit',
  check: 'beaker',
  escalation: 'bell',
};

/**
 * One agent's calls as a virtualized list: offset from the run's start, what it was, a bar
 * placing it within the agent's lifetime, its duration and tokens. Arrow keys move the selection.
 */
export const TraceTimeline = memo(function TraceTimeline({ agent, items, selectedKey, onSelect }: { agent: AgentState; items: readonly TraceItem[]; selectedKey: string | null; onSelect: (key: string) => void }) {
  const runStart = useDashboard((s) => s.run.startedAt) ?? agent.startedAt;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: items.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const spanStart = agent.startedAt;
  const spanEnd = Math.max(agent.endedAt ?? 0, ...items.slice(-1).map((i) => i.end), spanStart + 1);
  const span = spanEnd - spanStart;
  const index = items.findIndex((i) => i.key === selectedKey);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const next = Math.min(items.length - 1, Math.max(0, index + (e.key === 'ArrowDown' ? 1 : -1)));
    if (items[next]) {
      onSelect(items[next].key);
      virtualizer.scrollToIndex(next);
    }
  };

  if (items.length === 0) return <div className="trace-empty muted">No model or tool calls recorded for {agent.agentId}.</div>;
  return (
    <div className="trace-list">
      <div className="trace-head" aria-hidden="true">
        <span>Time</span>
        <span />
        <span>Call</span>
        <span>Within the agent's lifetime</span>
        <span>Duration</span>
        <span>Tokens</span>
      </div>
      <div className="trace-timeline" ref={scrollRef} tabIndex={0} role="listbox" aria-label={`Trace of ${agent.agentId}`} aria-activedescendant={index >= 0 ? `trace-${items[index].key}` : undefined} onKeyDown={onKeyDown}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((row) => {
            const item = items[row.index];
            const left = ((item.start - spanStart) / span) * 100;
            const width = Math.max(0.6, ((item.end - item.start) / span) * 100);
            return (
              <div
                key={item.key}
                id={`trace-${item.key}`}
                role="option"
                aria-selected={item.key === selectedKey}
                className={`trace-row kind-${item.kind}${item.key === selectedKey ? ' selected' : ''}${failed(item) ? ' failed' : ''}`}
                data-kind={item.kind}
                style={{ height: row.size, transform: `translateY(${row.start}px)` }}
                onClick={() => onSelect(item.key)}
              >
                <span className="trace-offset muted">{formatOffset(item.start - runStart)}</span>
                <i className={`codicon codicon-${TRACE_ICON[item.kind]} trace-icon`} aria-hidden="true" />
                <span className="trace-label" title={traceLabel(item)}>
                  {traceLabel(item)}
                </span>
                <span className="trace-gantt" aria-hidden="true">
                  <span className="trace-gantt-bar" style={{ left: `${Math.min(left, 99.4)}%`, width: `${Math.min(width, 100 - Math.min(left, 99.4))}%` }} />
                </span>
                <span className="trace-duration muted">{item.end > item.start ? formatDuration(item.end - item.start) : ''}</span>
                <span className="trace-tokens muted">{item.kind === 'model' ? formatTokens(item.event.usage.inputTokens + item.event.usage.outputTokens) : ''}</span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
});

function failed(item: TraceItem): boolean {
  return (item.kind === 'tool' && !item.event.ok) || (item.kind === 'check' && !item.event.passed) || item.kind === 'modelError';
}
