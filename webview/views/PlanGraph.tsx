import { useMemo } from 'react';
import type { TaskState } from '../../extension/protocol/runState';
import { layoutPlan, type PlanEdge } from '../state/layoutPlan';
import { toneOf } from './StatusBadge';

const NODE_WIDTH = 210;
const NODE_HEIGHT = 58;

/**
 * The task DAG laid out with dagre, as SVG: nodes coloured by status, edges from dependency to
 * dependent, a warning on tasks with a predicted conflict (`predicted`: task id → what it conflicts with).
 */
export function PlanGraph({
  tasks,
  selectedTaskId,
  onSelect,
  predicted = new Map(),
}: {
  tasks: readonly TaskState[];
  selectedTaskId: string | null;
  onSelect: (taskId: string) => void;
  predicted?: ReadonlyMap<string, string>;
}) {
  const layout = useMemo(() => layoutPlan(tasks, { nodeWidth: NODE_WIDTH, nodeHeight: NODE_HEIGHT }), [tasks]);
  const byId = useMemo(() => new Map(tasks.map((t) => [t.task.id, t])), [tasks]);
  return (
    <svg className="plan-graph" width={layout.width} height={layout.height} viewBox={`0 0 ${layout.width} ${layout.height}`} role="group" aria-label="Task plan">
      <defs>
        <marker id="plan-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" className="plan-arrow" />
        </marker>
      </defs>
      {layout.edges.map((e) => (
        <path key={`${e.from}->${e.to}`} className="plan-edge" d={edgePath(e)} markerEnd="url(#plan-arrow)" />
      ))}
      {layout.nodes.map((n) => {
        const t = byId.get(n.id);
        const selected = n.id === selectedTaskId;
        return (
          <g
            key={n.id}
            className={`plan-node tone-${toneOf(n.status)}${selected ? ' selected' : ''}`}
            data-task={n.id}
            data-status={n.status}
            transform={`translate(${n.x},${n.y})`}
            role="button"
            tabIndex={0}
            aria-pressed={selected}
            aria-label={`${n.id}: ${n.title} (${n.status})`}
            onClick={() => onSelect(n.id)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                onSelect(n.id);
              }
            }}
          >
            <title>{`${n.title}\n${n.status}`}</title>
            <rect className="plan-node-box" width={n.width} height={n.height} rx={4} />
            <rect className="plan-node-stripe" width={4} height={n.height} rx={2} />
            <text className="plan-node-id" x={14} y={20}>
              {clip(n.id, 24)}
            </text>
            <text className="plan-node-status" x={n.width - 10} y={20} textAnchor="end">
              {n.status}
            </text>
            <text className="plan-node-title" x={14} y={40}>
              {clip(n.title, 30 - (t && t.attempts > 1 ? 5 : 0) - (predicted.has(n.id) ? 3 : 0))}
            </text>
            {predicted.has(n.id) && (
              <text className="plan-node-predicted" x={n.width - (t && t.attempts > 1 ? 34 : 10)} y={40} textAnchor="end">
                <title>{`Predicted conflict with ${predicted.get(n.id)}`}</title>⚠
              </text>
            )}
            {t && t.attempts > 1 && (
              <text className="plan-node-attempts" x={n.width - 10} y={40} textAnchor="end">
                <title>{`${t.attempts} attempts`}</title>×{t.attempts}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

function edgePath(e: PlanEdge): string {
  const [first, ...rest] = e.points;
  if (!first) return '';
  return `M ${first.x} ${first.y} ${rest.map((p) => `L ${p.x} ${p.y}`).join(' ')}`;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
