import { memo } from 'react';
import { costUsd, formatUsd } from '../../extension/protocol/pricing';
import { useDashboard } from '../state/useDashboard';
import { formatClock, formatCount, formatDuration, formatInput, prettyJson } from '../format';
import { traceLabel, type TraceItem } from '../../extension/protocol/views/traceItems';
import { TRACE_ICON } from './TraceTimeline';

/** The selected trace item in full: a model response with its tool calls, a tool result, a check… */
export const TraceDetail = memo(function TraceDetail({ item, items }: { item: TraceItem | null; items: readonly TraceItem[] }) {
  if (!item) return <div className="trace-detail empty muted">Select a call to see its detail.</div>;
  return (
    <section className="trace-detail" aria-label="Call detail" data-kind={item.kind}>
      <div className="detail-head">
        <i className={`codicon codicon-${TRACE_ICON[item.kind]}`} aria-hidden="true" />
        <h2>{traceLabel(item)}</h2>
      </div>
      <Body item={item} items={items} />
    </section>
  );
});

function Body({ item, items }: { item: TraceItem; items: readonly TraceItem[] }) {
  const prices = useDashboard((s) => s.run.prices);
  switch (item.kind) {
    case 'model': {
      const e = item.event;
      return (
        <>
          <dl className="kv">
            <dt>Started</dt>
            <dd>{formatClock(e.startedAt)} UTC</dd>
            <dt>Duration</dt>
            <dd>{formatDuration(e.durationMs)}</dd>
            <dt>Tokens</dt>
            <dd>
              {formatInput(e.usage, formatCount)} · {formatCount(e.usage.outputTokens)} out
            </dd>
            <dt>Cost</dt>
            <dd>{formatUsd(costUsd(e.model, e.usage, prices ?? undefined))}</dd>
            <dt>Finish</dt>
            <dd>{e.finishReason}</dd>
          </dl>
          {e.content && (
            <>
              <h3>Content</h3>
              <pre className="code-block">{e.content}</pre>
            </>
          )}
          {e.toolCalls.length > 0 && <h3>Tool calls</h3>}
          {e.toolCalls.map((c) => (
            <div key={c.id} className="tool-call">
              <div>
                <code>{c.name}</code> <span className="muted">{c.id}</span>
              </div>
              <pre className="code-block">{prettyJson(c.arguments)}</pre>
            </div>
          ))}
        </>
      );
    }
    case 'tool': {
      const e = item.event;
      const request = items.find((i) => i.kind === 'model' && i.event.toolCalls.some((c) => c.id === e.callId));
      const args = request?.kind === 'model' ? request.event.toolCalls.find((c) => c.id === e.callId)?.arguments : undefined;
      return (
        <>
          <dl className="kv">
            <dt>Server</dt>
            <dd>{e.server}</dd>
            <dt>Call</dt>
            <dd>
              <code>{e.callId}</code> · turn {e.turn}
            </dd>
            <dt>Started</dt>
            <dd>{formatClock(e.startedAt)} UTC</dd>
            <dt>Duration</dt>
            <dd>{formatDuration(e.durationMs)}</dd>
            <dt>Result</dt>
            <dd className={e.ok ? 'ok' : 'error'}>{e.ok ? 'ok' : 'failed'}</dd>
          </dl>
          {args !== undefined && (
            <>
              <h3>Arguments</h3>
              <pre className="code-block">{prettyJson(args)}</pre>
            </>
          )}
          <h3>Result</h3>
          <pre className="code-block">{e.summary}</pre>
        </>
      );
    }
    case 'modelError':
      return (
        <dl className="kv">
          <dt>Error</dt>
          <dd>{item.event.errorKind}</dd>
          <dt>Message</dt>
          <dd>{item.event.message}</dd>
          <dt>Retry</dt>
          <dd>{item.event.willRetry ? `yes${item.event.retryAfterMs ? `, after ${formatDuration(item.event.retryAfterMs)} (Retry-After)` : ''}` : 'no'}</dd>
        </dl>
      );
    case 'warning':
      return <p>{item.event.message}</p>;
    case 'checkpoint':
      return (
        <dl className="kv">
          <dt>Commit</dt>
          <dd>
            <code>{item.event.commit}</code>
          </dd>
          <dt>Turn</dt>
          <dd>{item.event.turn}</dd>
        </dl>
      );
    case 'check':
      return (
        <dl className="kv">
          <dt>Check</dt>
          <dd>{item.event.check}</dd>
          <dt>Result</dt>
          <dd className={item.event.passed ? 'ok' : 'error'}>{item.event.passed ? 'passed' : 'failed'}</dd>
          <dt>Detail</dt>
          <dd>{item.event.detail}</dd>
        </dl>
      );
    case 'escalation':
      return item.event.type === 'escalation/didOpen' ? <p>{item.event.question}</p> : <p>Answered “{item.event.choice}” by {item.event.by}.</p>;
  }
}
