/** Arguments of `loom.startPlan` from the command API (integration tests drive it without any UI). */
export interface StartPlanArgs {
  specPath?: string;
  repoPath?: string;
  source?: 'simulator' | 'settings';
  scenarioPath?: string;
  /** Accept the coordinator's plan without the modal. */
  autoConfirm?: boolean;
}

export type ParsedArgs = { ok: true; args: StartPlanArgs } | { ok: false; error: string };

/** Validates what a caller passed; a palette invocation passes nothing (or a URI from a menu). */
export function parseStartPlanArgs(input: unknown): ParsedArgs {
  if (input === undefined || input === null) return { ok: true, args: {} };
  if (typeof input !== 'object' || Array.isArray(input)) return { ok: false, error: 'loom.startPlan takes an object of options' };
  const raw = input as Record<string, unknown>;
  // A URI from an editor or explorer menu: the spec to run.
  if (typeof raw.scheme === 'string' && typeof raw.fsPath === 'string') return { ok: true, args: { specPath: raw.fsPath } };
  const args: StartPlanArgs = {};
  for (const key of ['specPath', 'repoPath', 'scenarioPath'] as const) {
    const value = raw[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !value.trim()) return { ok: false, error: `loom.startPlan: ${key} must be a non-empty string` };
    args[key] = value;
  }
  if (raw.source !== undefined) {
    if (raw.source !== 'simulator' && raw.source !== 'settings') return { ok: false, error: `loom.startPlan: source must be 'simulator' or 'settings', not ${JSON.stringify(raw.source)}` };
    args.source = raw.source;
  }
  if (raw.autoConfirm !== undefined) {
    if (typeof raw.autoConfirm !== 'boolean') return { ok: false, error: 'loom.startPlan: autoConfirm must be true or false' };
    args.autoConfirm = raw.autoConfirm;
  }
  const known = new Set(['specPath', 'repoPath', 'scenarioPath', 'source', 'autoConfirm']);
  const unknown = Object.keys(raw).filter((k) => !known.has(k));
  if (unknown.length) return { ok: false, error: `loom.startPlan: unknown option(s) ${unknown.join(', ')}` };
  return { ok: true, args };
}

/** Arguments of `loom.resolveEscalation`. */
export function parseResolveArgs(input: unknown): { ok: true; escalationId: string; choice: string } | { ok: false; error: string } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, error: 'loom.resolveEscalation takes { escalationId, choice }' };
  const { escalationId, choice } = input as Record<string, unknown>;
  if (typeof escalationId !== 'string' || !escalationId) return { ok: false, error: 'loom.resolveEscalation: escalationId must be a non-empty string' };
  if (typeof choice !== 'string' || !choice) return { ok: false, error: 'loom.resolveEscalation: choice must be a non-empty string' };
  return { ok: true, escalationId, choice };
}
