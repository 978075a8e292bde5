import dagre from '@dagrejs/dagre';
import type { TaskState, TaskStatus } from '../../extension/protocol/runState';

export interface PlanNode {
  id: string;
  title: string;
  status: TaskStatus;
  /** Top-left corner. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlanEdge {
  from: string;
  to: string;
  points: { x: number; y: number }[];
}

export interface PlanLayout {
  width: number;
  height: number;
  nodes: PlanNode[];
  edges: PlanEdge[];
}

export interface PlanLayoutOptions {
  nodeWidth?: number;
  nodeHeight?: number;
  direction?: 'LR' | 'TB';
}

/** Lay the task DAG out with dagre: dependencies point from a task to the tasks that need it. */
export function layoutPlan(tasks: readonly TaskState[], options: PlanLayoutOptions = {}): PlanLayout {
  const nodeWidth = options.nodeWidth ?? 200;
  const nodeHeight = options.nodeHeight ?? 60;
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: options.direction ?? 'LR', nodesep: 24, ranksep: 64, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(tasks.map((t) => t.task.id));
  for (const t of tasks) g.setNode(t.task.id, { width: nodeWidth, height: nodeHeight });
  for (const t of tasks) {
    for (const dep of t.task.dependsOn) if (ids.has(dep)) g.setEdge(dep, t.task.id);
  }
  dagre.layout(g);
  const graph = g.graph();
  const nodes = tasks.map((t): PlanNode => {
    const n = g.node(t.task.id);
    return { id: t.task.id, title: t.task.title, status: t.status, x: (n.x ?? 0) - nodeWidth / 2, y: (n.y ?? 0) - nodeHeight / 2, width: nodeWidth, height: nodeHeight };
  });
  const edges = g.edges().map((e): PlanEdge => ({ from: e.v, to: e.w, points: ((g.edge(e) as { points?: { x: number; y: number }[] }).points ?? []).map((p) => ({ x: p.x, y: p.y })) }));
  return { width: graph.width ?? 0, height: graph.height ?? 0, nodes, edges };
}
