/** The agent or task a command was invoked on: a tree node (context menu) or `{ agentId }` / `{ taskId }` from the command API. */
export function targetOf(arg: unknown): { agentId?: string; taskId?: string } {
  if (typeof arg !== 'object' || arg === null) return {};
  const raw = arg as { agentId?: unknown; taskId?: unknown };
  const out: { agentId?: string; taskId?: string } = {};
  if (typeof raw.agentId === 'string' && raw.agentId) out.agentId = raw.agentId;
  if (typeof raw.taskId === 'string' && raw.taskId) out.taskId = raw.taskId;
  return out;
}

/** The run a command was invoked on: a Runs or Agents view node, or `{ runId }` from the command API. */
export function runIdOf(arg: unknown): string | undefined {
  const runId = typeof arg === 'object' && arg !== null ? (arg as { runId?: unknown }).runId : undefined;
  return typeof runId === 'string' && runId ? runId : undefined;
}
