import { z } from 'zod';
import { EventBodySchema, MergeTierSchema, RunEventSchema, type EventBody, type EventType, type RunEvent } from './events';
import { TaskSchema } from './plan';
import { FindingSchema, TaskResultSchema } from './taskResult';
import { AgentOutcomeSchema, AgentRoleSchema, UsageSchema } from './usage';
import type { RunState } from './runState';
import { PriceTableSchema } from './pricing';
import { RunSummarySchema, type RunSummary } from './runSummary';

/**
 * Messages between the extension host and the dashboard webview (DESIGN.md rule 2): each is
 * declared once here, and both sides send and receive them only through the typed helpers below.
 * Names follow rule 7: `domain/didX` for notifications, `domain/verb` for commands.
 */

// ---------------------------------------------------------------------------------------------
// RunState as plain data. The type lives in runState.ts; this schema validates a snapshot that
// crossed the webview boundary. The assertions at the bottom of this section fail the typecheck
// if the two drift apart.

const envelope = { seq: z.number().int().nonnegative(), ts: z.number() };

/** The schema of one journal event type, with its envelope (seq, ts). */
function eventSchemaOf<T extends EventType>(type: T): z.ZodType<Extract<EventBody, { type: T }> & { seq: number; ts: number }> {
  const body = EventBodySchema.options.find((o) => o.shape.type.value === type);
  if (!body) throw new Error(`no event schema for ${type}`);
  // The cast names what `find` cannot infer: the option whose literal type is T.
  return z.intersection(z.object(envelope), body) as unknown as z.ZodType<Extract<EventBody, { type: T }> & { seq: number; ts: number }>;
}

const nullableString = z.string().nullable();
const nullableNumber = z.number().nullable();

export const TaskStatusSchema = z.enum(['pending', 'running', 'verifying', 'succeeded', 'failed', 'stopped', 'blocked', 'merged', 'conflicted', 'waiting']);

export const TaskStateSchema = z.object({
  task: TaskSchema,
  status: TaskStatusSchema,
  attempts: z.number().int(),
  branch: nullableString,
  headCommit: nullableString,
  result: TaskResultSchema.nullable(),
  findings: z.array(FindingSchema),
  reviews: z.array(z.object({ index: z.number().int(), decision: z.enum(['accepted', 'dismissed']) })),
  checks: z.array(z.object({ check: z.string(), passed: z.boolean(), detail: z.string() })),
  failureReason: nullableString,
  // A panel state saved before merge tiers and waiting tasks has neither.
  mergedBy: MergeTierSchema.nullable().default(null),
  waitingOn: nullableString.default(null),
  startedAt: nullableNumber,
  endedAt: nullableNumber,
});

export const AgentStateSchema = z.object({
  agentId: z.string(),
  role: AgentRoleSchema,
  taskId: nullableString,
  status: z.enum(['running', 'finished']),
  model: z.string(),
  threadId: z.number().int(),
  budgetTokens: z.number().int(),
  usage: UsageSchema,
  modelCalls: z.number().int(),
  toolCalls: z.number().int(),
  outcome: AgentOutcomeSchema.nullable(),
  startedAt: z.number(),
  endedAt: nullableNumber,
  mcpPids: z.array(z.number().int()),
  attempt: z.number().int().optional(),
});

export const RunStateSchema = z.object({
  runId: nullableString,
  status: z.enum(['idle', 'planning', 'running', 'succeeded', 'failed', 'escalated', 'stopped']),
  repo: nullableString,
  baseCommit: nullableString,
  specPath: nullableString,
  model: nullableString,
  // A panel state saved before runs carried their prices has none: the default table.
  prices: PriceTableSchema.nullable().default(null),
  requirements: z.array(z.object({ id: z.string(), title: z.string() })),
  planErrors: z.array(z.array(z.string())),
  tasks: z.array(TaskStateSchema),
  agents: z.array(AgentStateSchema),
  conflicts: z.array(eventSchemaOf('conflict/didDetect')),
  predictions: z.array(eventSchemaOf('conflict/didPredict')).default([]),
  escalations: z.array(z.intersection(eventSchemaOf('escalation/didOpen'), z.object({ resolution: nullableString }))),
  policyDecisions: z.array(eventSchemaOf('policy/didDecide')),
  integrationBranch: nullableString,
  integrationCommit: nullableString,
  startedAt: nullableNumber,
  endedAt: nullableNumber,
  lastSeq: z.number().int(),
});

type Extends<A, B> = [A] extends [B] ? true : false;
/** Compile-time guard: the schema's output is a RunState and a RunState passes the schema. */
const _runStateSchemaMatches: [Extends<z.output<typeof RunStateSchema>, RunState>, Extends<RunState, z.output<typeof RunStateSchema>>] = [true, true];
void _runStateSchemaMatches;

// ---------------------------------------------------------------------------------------------
// host -> webview

/** The dashboard's tabs, in display order (the webview's TAB_IDS are these). */
export const DashboardTabSchema = z.enum(['spec', 'plan', 'agents', 'traces', 'spend', 'escalations']);
export type DashboardTab = z.infer<typeof DashboardTabSchema>;

export const HostMessageSchema = z.discriminatedUnion('type', [
  /**
   * The whole state, replacing whatever the webview had; sent in answer to `webview/didReady`.
   * `events` optionally carries journal events the dashboard derives traces and spend from
   * (model, tool and agent events); the state alone is enough for everything else.
   */
  z.object({ type: z.literal('state/didSnapshot'), state: RunStateSchema, events: z.array(RunEventSchema).optional() }),
  /** One journal event appended after the snapshot; the webview folds it with the shared reducer. */
  z.object({ type: z.literal('run/didEmit'), event: RunEventSchema }),
  /** The runs under LOOM_HOME (the run catalogue), newest first, and which one the dashboard shows. */
  z.object({ type: z.literal('runs/didList'), runs: z.array(RunSummarySchema), shownRunId: z.string().nullable() }),
  /** Show this tab (a click on an escalation in the sidebar opens the Escalations tab). */
  z.object({ type: z.literal('dashboard/showTab'), tab: DashboardTabSchema }),
]);
export type HostMessage = z.infer<typeof HostMessageSchema>;
export type HostMessageType = HostMessage['type'];

// ---------------------------------------------------------------------------------------------
// webview -> host

/** Answers to an escalation. Which apply depends on its kind; see `choicesForEscalation`. */
export const EscalationChoiceSchema = z.enum([
  // conflict
  'ours',
  'theirs',
  'mergeAgent',
  'manual',
  // approval
  'approve',
  'deny',
  // budget (the engine journals `extend`)
  'raiseBudget',
  'extend',
  // circuit breaker
  'resume',
  // repeated failure
  'retry',
  'skip',
  // any
  'stop',
]);
export type EscalationChoice = z.infer<typeof EscalationChoiceSchema>;

export const EscalationKindSchema = z.enum(['conflict', 'approval', 'budget', 'repeatedFailure', 'circuitBreaker']);
export type EscalationKind = z.infer<typeof EscalationKindSchema>;

const defaultChoices: Record<EscalationKind, readonly EscalationChoice[]> = {
  conflict: ['ours', 'theirs', 'mergeAgent', 'manual'],
  approval: ['approve', 'deny'],
  budget: ['raiseBudget', 'stop'],
  repeatedFailure: ['retry', 'skip', 'stop'],
  circuitBreaker: ['resume', 'stop'],
};

/** Option names older journals hold that mean one of the choices above (the merge editor was `mergeEditor`). */
const optionAliases: Record<string, EscalationChoice> = { mergeEditor: 'manual' };

/**
 * The choices to offer for an escalation: the options it names that are known choices (or their
 * aliases), in its order, or the defaults for its kind when it names none.
 */
export function choicesForEscalation(kind: EscalationKind, options: readonly string[]): EscalationChoice[] {
  const known: EscalationChoice[] = [];
  for (const option of options) {
    const choice = optionAliases[option] ?? (EscalationChoiceSchema.safeParse(option).success ? (option as EscalationChoice) : undefined);
    if (choice && !known.includes(choice)) known.push(choice);
  }
  return known.length > 0 ? known : [...defaultChoices[kind]];
}

export const WebviewMessageSchema = z.discriminatedUnion('type', [
  /** The webview is listening (again, after a reload or a gap in events): the host answers with `state/didSnapshot`. */
  z.object({ type: z.literal('webview/didReady') }),
  z.object({ type: z.literal('escalation/resolve'), escalationId: z.string().min(1), choice: EscalationChoiceSchema }),
  /** A person's decision on one verifier finding: `index` is its position in the task's findings. */
  z.object({
    type: z.literal('finding/review'),
    taskId: z.string().min(1),
    index: z.number().int().nonnegative(),
    decision: z.enum(['accepted', 'dismissed']),
  }),
  /** Open a repository file in an editor; `line` is 1-based. */
  z.object({ type: z.literal('file/open'), path: z.string().min(1), line: z.number().int().positive().optional() }),
  /** Open the task branch's diff against its start commit. */
  z.object({ type: z.literal('diff/open'), taskId: z.string().min(1) }),
  /** Show a run from the run list (folded from its journal). */
  z.object({ type: z.literal('run/open'), runId: z.string().min(1) }),
  /** Continue an interrupted or stopped run from its journal. */
  z.object({ type: z.literal('run/resume'), runId: z.string().min(1) }),
]);
export type WebviewMessage = z.infer<typeof WebviewMessageSchema>;
export type WebviewMessageType = WebviewMessage['type'];

// ---------------------------------------------------------------------------------------------
// typed helpers

export type ParseResult<T> = { ok: true; message: T } | { ok: false; error: string };

export function parseHostMessage(input: unknown): ParseResult<HostMessage> {
  return parseWith(HostMessageSchema, input, 'host message');
}

export function parseWebviewMessage(input: unknown): ParseResult<WebviewMessage> {
  return parseWith(WebviewMessageSchema, input, 'webview message');
}

/** Builders, so senders never write a raw object literal with a type string. */
export const hostMessages = {
  snapshot: (state: RunState, events?: RunEvent[]): HostMessage => (events ? { type: 'state/didSnapshot', state, events } : { type: 'state/didSnapshot', state }),
  emit: (event: RunEvent): HostMessage => ({ type: 'run/didEmit', event }),
  runs: (runs: readonly RunSummary[], shownRunId: string | null): HostMessage => ({ type: 'runs/didList', runs: [...runs], shownRunId }),
  showTab: (tab: DashboardTab): HostMessage => ({ type: 'dashboard/showTab', tab }),
};

export const webviewMessages = {
  ready: (): WebviewMessage => ({ type: 'webview/didReady' }),
  resolveEscalation: (escalationId: string, choice: EscalationChoice): WebviewMessage => ({ type: 'escalation/resolve', escalationId, choice }),
  reviewFinding: (taskId: string, index: number, decision: 'accepted' | 'dismissed'): WebviewMessage => ({
    type: 'finding/review',
    taskId,
    index,
    decision,
  }),
  openFile: (path: string, line?: number): WebviewMessage => (line === undefined ? { type: 'file/open', path } : { type: 'file/open', path, line }),
  openDiff: (taskId: string): WebviewMessage => ({ type: 'diff/open', taskId }),
  openRun: (runId: string): WebviewMessage => ({ type: 'run/open', runId }),
  resumeRun: (runId: string): WebviewMessage => ({ type: 'run/resume', runId }),
};

function parseWith<T>(schema: z.ZodType<T>, input: unknown, what: string): ParseResult<T> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, error: `invalid ${what}: expected an object, got ${describe(input)}` };
  }
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, message: result.data };
  const type = (input as { type?: unknown }).type;
  const head = typeof type === 'string' ? `invalid ${what} '${type}'` : `invalid ${what}`;
  const issues = result.error.issues.slice(0, 5).map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
  const more = result.error.issues.length > 5 ? ` (+${result.error.issues.length - 5} more)` : '';
  return { ok: false, error: `${head}: ${issues.join('; ')}${more}` };
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  return typeof x;
}
