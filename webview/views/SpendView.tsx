import { formatUsd } from '../../extension/protocol/pricing';
import VscodeButton from '@vscode-elements/react-elements/dist/components/VscodeButton.js';
import { useMemo } from 'react';
import { formatCount, formatInput, formatTokens, percent } from '../format';
import { costOfAgent, formatCost } from '../../extension/protocol/views/spend';
import { useDashboard } from '../state/useDashboard';
import { EmptyState } from './EmptyState';
import { RoleIcon } from './RoleIcon';
import { SERIES_TONES, SpendChart } from './SpendChart';
import { useRunSpend, useSpendSeries } from './useDerived';
import { useThrottled } from './useThrottled';

const CHART_REDRAW_MS = 1000;

/** Tokens and cost per agent over time, and the totals per agent. */
export function SpendView() {
  const run = useDashboard((s) => s.run);
  const metric = useDashboard((s) => s.ui.spendMetric);
  const setMetric = useDashboard((s) => s.setSpendMetric);
  const selectAgent = useDashboard((s) => s.selectAgent);
  // The chart is redrawn at most once a second while events stream; the figures below it follow every event.
  const { series, span } = useThrottled(useSpendSeries(), CHART_REDRAW_MS);
  const total = useRunSpend();
  const rows = useMemo(() => [...run.agents].sort((a, b) => b.usage.inputTokens + b.usage.outputTokens - (a.usage.inputTokens + a.usage.outputTokens)), [run.agents]);
  if (run.agents.length === 0) return <EmptyState icon="graph-line" title="Nothing spent yet" />;
  const totalTokens = total.tokens;
  return (
    <div className="view spend-view">
      <div className="tiles">
        <Tile label="Tokens" value={formatCount(totalTokens)} detail={`${formatInput(total, formatCount)} · ${formatCount(total.outputTokens)} out`} />
        <Tile label="Cost" value={formatCost(total)} detail={total.unpricedAgentIds.length ? `no price for ${total.unpricedAgentIds.join(', ')}` : 'all models priced'} />
        <Tile label="Model calls" value={String(run.agents.reduce((s, a) => s + a.modelCalls, 0))} detail={`${run.agents.reduce((s, a) => s + a.toolCalls, 0)} tool calls`} />
      </div>
      <div className="view-toolbar">
        <span className="muted">Cumulative per agent</span>
        <span className="segmented" role="group" aria-label="Metric">
          <VscodeButton secondary={metric !== 'tokens'} onClick={() => setMetric('tokens')} aria-pressed={metric === 'tokens'}>
            Tokens
          </VscodeButton>
          <VscodeButton secondary={metric !== 'cost'} onClick={() => setMetric('cost')} aria-pressed={metric === 'cost'}>
            Cost
          </VscodeButton>
        </span>
      </div>
      <SpendChart series={series} metric={metric} spanMs={span} />
      <table className="data-table spend-table">
        <thead>
          <tr>
            <th>Agent</th>
            <th>Model</th>
            <th className="num">Input</th>
            <th className="num">Output</th>
            <th className="num">Cost</th>
            <th className="col-share">Share of tokens</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => {
            const used = a.usage.inputTokens + a.usage.outputTokens;
            const i = run.agents.indexOf(a);
            return (
              <tr key={a.agentId} data-agent={a.agentId} onClick={() => selectAgent(a.agentId, { showTraces: true })} title="Show this agent's trace">
                <td>
                  <span className="agent-cell">
                    <span className={`legend-swatch tone-${SERIES_TONES[i % SERIES_TONES.length]}`} aria-hidden="true" />
                    <RoleIcon role={a.role} />
                    {a.agentId}
                  </span>
                </td>
                <td className="muted">{a.model}</td>
                <td className="num" title={formatInput(a.usage, formatCount)}>
                  {formatTokens(a.usage.inputTokens)}
                  {a.usage.cachedInputTokens ? <span className="muted"> ({formatTokens(a.usage.cachedInputTokens)} cached)</span> : null}
                </td>
                <td className="num">{formatTokens(a.usage.outputTokens)}</td>
                <td className="num">{formatUsd(costOfAgent(a, run.prices))}</td>
                <td className="col-share">
                  <span className="share">
                    <span className="share-bar" style={{ width: `${percent(used, totalTokens)}%` }} />
                  </span>
                  <span className="muted">{percent(used, totalTokens)}%</span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function Tile({ label, value, detail }: { label: string; value: string; detail: string }) {
  return (
    <div className="tile">
      <div className="tile-label">{label}</div>
      <div className="tile-value">{value}</div>
      <div className="tile-detail muted">{detail}</div>
    </div>
  );
}
