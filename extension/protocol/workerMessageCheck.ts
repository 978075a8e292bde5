import type { ToWorker } from './workerMessages';

/**
 * The agent worker's check of what its coordinator sends (ToWorker), without zod. The sender is the
 * run's own coordinator thread, which builds every message from typed, already validated data, so a
 * worker need not load zod and build the protocol's schemas before its first message (half its start
 * time and a quarter of an idle agent's memory): this check catches a coordinator's bug (a missing or
 * mistyped field, an unknown message or role), not a hostile sender. It checks each message's fields
 * and each job's top-level fields as ToWorkerSchema's output type has them (a field with a default is
 * required); nested data is checked by the role's code that uses it. Untrusted content inside a
 * message (a relayed model answer) is still checked with its zod schema, by the worker, on arrival.
 * test/unit/protocol/workerMessageCheck.test.ts holds this check to ToWorkerSchema.
 */

/** A field's kind; `?` after it: the field may be absent. */
type Kind = 'string' | 'int' | 'int>0' | 'int>=0' | 'number' | 'boolean' | 'object' | 'array' | 'string|null' | 'array|null' | 'false|object';
/** One of these strings; with `optional`, or absent. */
type OneOf = { oneOf: readonly string[]; optional?: true };
type Shape = Record<string, Kind | `${Kind}?` | OneOf>;

export const ENDPOINT: Shape = { baseUrl: 'string', model: 'string', apiKey: 'string', timeoutMs: 'int>0', maxRetries: 'int>=0', headers: 'array', relay: 'boolean?' };

const JOB_BASE: Shape = { runId: 'string', agentId: 'string', spec: 'object', endpoint: 'object', budgetTokens: 'int>0' };

const IMPLEMENT_JOB: Shape = {
  ...JOB_BASE,
  attempt: 'int',
  task: 'object',
  worktree: 'string',
  mcpServers: 'array',
  sandbox: 'object',
  maxTurns: 'int>0',
  contextWindowTokens: 'int>0',
  elision: 'false|object?',
  findings: 'array',
  resumeMessages: 'array',
  resumeNotes: 'array?',
  policy: 'object',
  commandAllowlist: 'array',
  mcpSupervision: 'object?',
};

const PLAN_JOB: Shape = { ...JOB_BASE, repoFiles: 'array', runnable: 'object?', coverage: { oneOf: ['required', 'ifAnswered'], optional: true } };

const VERIFY_JOB: Shape = {
  ...JOB_BASE,
  attempt: 'int',
  task: 'object',
  result: 'object',
  repo: 'string',
  baseCommit: 'string',
  startCommit: 'string',
  headCommit: 'string',
  scratchDir: 'string',
  worktree: 'string?',
  baseRunsDir: 'string?',
  commandAllowlist: 'array',
  sandbox: 'object',
  setup: 'string|null',
  lintCommand: 'array|null',
  flakeReruns: 'int>=0',
  commandTimeoutMs: 'int>0',
};

export const JOB_SHAPES: Record<string, Shape> = { testAuthor: IMPLEMENT_JOB, implementor: IMPLEMENT_JOB, merger: IMPLEMENT_JOB, coordinator: PLAN_JOB, verifier: VERIFY_JOB };

export const MESSAGE_SHAPES: Record<ToWorker['type'], Shape> = {
  'agent/start': { job: 'object' },
  'agent/stop': { reason: 'string' },
  'agent/notice': { text: 'string' },
  // Its response is model output: checked with RelayChatResponseSchema where it arrives (agentWorker.ts).
  'model/didAnswer': { requestId: 'int', response: 'object' },
  'model/didFail': { requestId: 'int', error: 'object' },
  'model/didAdmit': { requestId: 'int', maxOutputTokens: 'int>=0' },
  'model/didRefuse': { requestId: 'int', kind: { oneOf: ['budget', 'cancelled'] }, message: 'string' },
  'approval/didAnswer': { requestId: 'int', approved: 'boolean', by: 'string', escalationId: 'string|null', message: 'string' },
};

export const RELAY_ERROR: Shape = {
  kind: { oneOf: ['rateLimited', 'server', 'timeout', 'malformed', 'auth', 'badRequest', 'network', 'budget', 'cancelled'] },
  message: 'string',
  retryable: 'boolean',
  retryAfterMs: 'number?',
};

function isKind(value: unknown, kind: Kind): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'int':
      return Number.isSafeInteger(value);
    case 'int>0':
      return Number.isSafeInteger(value) && (value as number) > 0;
    case 'int>=0':
      return Number.isSafeInteger(value) && (value as number) >= 0;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return isRecord(value);
    case 'array':
      return Array.isArray(value);
    case 'string|null':
      return value === null || typeof value === 'string';
    case 'array|null':
      return value === null || Array.isArray(value);
    case 'false|object':
      return value === false || isRecord(value);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type Misfit = { path: string; message: string };

/** The first field of `value` that does not fit `shape`: where, and what was expected. */
function misfit(value: Record<string, unknown>, shape: Shape, at: string): Misfit | null {
  for (const [key, spec] of Object.entries(shape)) {
    const field = value[key];
    const path = `${at}${key}`;
    if (typeof spec !== 'string') {
      if (field === undefined && spec.optional) continue;
      if (!spec.oneOf.includes(field as string)) return { path, message: `expected one of ${spec.oneOf.join(', ')}` };
      continue;
    }
    const optional = spec.endsWith('?');
    if (field === undefined && optional) continue;
    const kind = (optional ? spec.slice(0, -1) : spec) as Kind;
    if (!isKind(field, kind)) return { path, message: `expected ${kind}, got ${field === null ? 'null' : Array.isArray(field) ? 'array' : typeof field}` };
  }
  return null;
}

function misfitMessage(raw: unknown): Misfit | null {
  if (!isRecord(raw)) return { path: '', message: 'expected object' };
  if (typeof raw.type !== 'string' || !Object.hasOwn(MESSAGE_SHAPES, raw.type)) return { path: 'type', message: `unknown message type ${JSON.stringify(raw.type)}` };
  const wrong = misfit(raw, MESSAGE_SHAPES[raw.type as ToWorker['type']], '');
  if (wrong) return wrong;
  if (raw.type === 'agent/start') {
    const job = raw.job as Record<string, unknown>;
    if (typeof job.role !== 'string' || !Object.hasOwn(JOB_SHAPES, job.role)) return { path: 'job.role', message: `unknown role ${JSON.stringify(job.role)}` };
    return misfit(job, JOB_SHAPES[job.role], 'job.') ?? misfit(job.endpoint as Record<string, unknown>, ENDPOINT, 'job.endpoint.');
  }
  if (raw.type === 'model/didFail') return misfit(raw.error as Record<string, unknown>, RELAY_ERROR, 'error.');
  return null;
}

/** Checks a message from the coordinator, in the shape TypedChannel takes (zod's safeParse). */
export const toWorkerCheck = {
  safeParse(raw: unknown): { success: true; data: ToWorker } | { success: false; error: { issues: { path: string[]; message: string }[] } } {
    const wrong = misfitMessage(raw);
    if (wrong === null) return { success: true, data: raw as ToWorker };
    return { success: false, error: { issues: [{ path: wrong.path ? wrong.path.split('.') : [], message: wrong.message }] } };
  },
};
