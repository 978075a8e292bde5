import { z } from 'zod';
import { PlanSchema } from './plan';
import { TaskResultSchema, FindingSchema } from './taskResult';
import { AgentOutcomeSchema, AgentRoleSchema, UsageSchema } from './usage';
import { ChatMessageSchema, ToolCallSchema } from './chat';
import { ActionPolicySchema, ActionSchema } from './policy';
import { PriceTableSchema } from './pricing';

/**
 * Journal events: the one source of truth of a run. Each is appended once by the coordinator
 * (the single writer) with a sequence number and a timestamp (ms since epoch).
 * Names follow DESIGN.md rule 7: `domain/didX`.
 */
const envelope = { seq: z.number().int().nonnegative(), ts: z.number() };

const agentRef = { agentId: z.string(), taskId: z.string().optional() };

/** The resolution tiers, as AgentSpawn counts them: auto-merge, semantic merge by an agent, a person. */
export const MERGE_TIERS = ['auto', 'mergeAgent', 'person'] as const;
export const MergeTierSchema = z.enum(MERGE_TIERS);
export type MergeTier = z.infer<typeof MergeTierSchema>;

export const EventBodySchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('run/didStart'),
    runId: z.string(),
    repo: z.string(),
    baseCommit: z.string(),
    baseBranch: z.string(),
    specPath: z.string(),
    specRevision: z.string(),
    model: z.string(),
    concurrency: z.number().int(),
    /** What confines agent-side processes, or why nothing does (said at run start). */
    sandbox: z.string().optional(),
    /** The settings that decide what agents may do and how checks run: what `loom replay` runs with again. */
    settings: z
      .object({
        policy: ActionPolicySchema,
        commandAllowlist: z.array(z.string()),
        flakeReruns: z.number().int(),
        commandTimeoutMs: z.number().int(),
        /** The prices the run's costs and dollar budgets use (defaults plus overrides). */
        prices: PriceTableSchema.optional(),
      })
      .optional(),
  }),
  z.object({
    /** The run continues from its journal in a new process (`loom resume`): its old process died or was stopped. */
    type: z.literal('run/didResume'),
    /** The pid that owned the run before, if its owner file said. */
    previousPid: z.number().int().nullable(),
    /** Tasks that continue (from their last checkpoint) or start; finished tasks keep their results. */
    tasks: z.array(z.string()),
    /** Effects the crash left between intent and completion, and how each is settled (engine/run/effectReconciliation.ts). */
    effects: z.array(z.object({ key: z.string(), kind: z.string(), resolution: z.enum(['redone', 'rolledBack', 'inDoubt']) })).default([]),
  }),
  z.object({ type: z.literal('spec/didParse'), requirements: z.array(z.object({ id: z.string(), title: z.string() })) }),
  z.object({ type: z.literal('plan/didFailValidation'), attempt: z.number().int(), errors: z.array(z.string()) }),
  z.object({ type: z.literal('plan/didAccept'), plan: PlanSchema }),
  z.object({ type: z.literal('task/didStart'), taskId: z.string(), attempt: z.number().int() }),
  z.object({
    type: z.literal('lease/didCreate'),
    taskId: z.string(),
    /** Leases also serve verifiers; their purpose tells which. */
    purpose: z.enum(['implement', 'verifyBase', 'verifyBranch']),
    branch: z.string().nullable(),
    path: z.string(),
    startCommit: z.string(),
  }),
  z.object({ type: z.literal('lease/didRemove'), path: z.string() }),
  /**
   * An effect is about to happen (a lease, a checkpoint commit, a merge, a tool call with effects):
   * journaled before it (durably for the host's own effects; a worker's is posted before its effect,
   * not awaited), under the key its completion event carries (protocol/effects.ts), so a resume can
   * tell done from not done.
   */
  z.object({
    type: z.literal('effect/willApply'),
    key: z.string(),
    kind: z.enum(['lease', 'checkpoint', 'merge', 'tool']),
    taskId: z.string().optional(),
    agentId: z.string().optional(),
    /** What it is, for a person reading the journal (a tool call: server, tool and arguments, cut short). */
    what: z.string(),
    /** A tool call's server: only effects outside Loom's own server can outlive a reset of the lease. */
    server: z.string().optional(),
  }),
  /** An effect whose intent was journaled did not happen, on purpose (a merge left out for a conflict, a merge agent that failed). */
  z.object({ type: z.literal('effect/didAbandon'), key: z.string(), reason: z.string() }),
  z.object({
    type: z.literal('agent/didStart'),
    ...agentRef,
    role: AgentRoleSchema,
    threadId: z.number().int(),
    model: z.string(),
    budgetTokens: z.number().int(),
    attempt: z.number().int(),
  }),
  z.object({
    type: z.literal('mcp/didStart'),
    ...agentRef,
    server: z.string(),
    pid: z.number().int(),
    cwd: z.string(),
    tools: z.array(z.string()),
  }),
  z.object({
    /** An agent's MCP server died, timed out on a call or stopped answering health pings; journaled as Loom notices. */
    type: z.literal('mcp/didFail'),
    ...agentRef,
    server: z.string(),
    pid: z.number().int(),
    reason: z.enum(['exited', 'callTimeout', 'pingTimeout', 'restartFailed']),
    message: z.string(),
    /** Restarts of this server for this agent so far. */
    restarts: z.number().int(),
    /** False once its restarts are used up: its tools stay unavailable to this agent (report_result still works). */
    willRestart: z.boolean(),
  }),
  z.object({
    /** The failed server is running again for this agent alone (a new process; other agents' servers are untouched). */
    type: z.literal('mcp/didRestart'),
    ...agentRef,
    server: z.string(),
    pid: z.number().int(),
    previousPid: z.number().int(),
    restarts: z.number().int(),
    tools: z.array(z.string()),
  }),
  z.object({
    type: z.literal('model/didRespond'),
    ...agentRef,
    model: z.string(),
    turn: z.number().int(),
    startedAt: z.number(),
    durationMs: z.number(),
    usage: UsageSchema,
    finishReason: z.string(),
    /** The whole response, journaled so a run can be replayed exactly. */
    content: z.string().nullable(),
    toolCalls: z.array(ToolCallSchema),
  }),
  z.object({
    type: z.literal('model/didFail'),
    ...agentRef,
    turn: z.number().int(),
    errorKind: z.string(),
    message: z.string(),
    attempt: z.number().int(),
    willRetry: z.boolean(),
    retryAfterMs: z.number().optional(),
  }),
  z.object({
    type: z.literal('tool/didCall'),
    ...agentRef,
    turn: z.number().int(),
    server: z.string(),
    tool: z.string(),
    callId: z.string(),
    startedAt: z.number(),
    durationMs: z.number(),
    ok: z.boolean(),
    /** Truncated result or error text. */
    summary: z.string(),
  }),
  z.object({
    type: z.literal('checkpoint/didCommit'),
    ...agentRef,
    turn: z.number().int(),
    commit: z.string(),
    /**
     * The conversation up to this turn, with the commit what a resume continues from: from index
     * `messagesFrom` on, the earlier messages being the agent's previous checkpoint's (conversationAt in
     * checkpointConversation.ts); without `messagesFrom`, all of it.
     */
    messagesFrom: z.number().int().nonnegative().optional(),
    messages: z.array(ChatMessageSchema),
  }),
  z.object({ type: z.literal('agent/didWarn'), ...agentRef, kind: z.string(), message: z.string() }),
  z.object({
    type: z.literal('agent/didFinish'),
    ...agentRef,
    role: AgentRoleSchema,
    outcome: AgentOutcomeSchema,
    usage: UsageSchema,
    startedAt: z.number(),
    endedAt: z.number(),
  }),
  z.object({ type: z.literal('task/didReport'), taskId: z.string(), result: TaskResultSchema, headCommit: z.string() }),
  /** The repository's setup recipe (e.g. `npm ci && npm run build`) ran in a lease or a verifier checkout. */
  z.object({
    type: z.literal('setup/didRun'),
    taskId: z.string(),
    /** `lease`: before the task's agent starts; `verify`: in a verifier's checkout. */
    purpose: z.enum(['lease', 'verify']),
    command: z.string(),
    passed: z.boolean(),
    exitCode: z.number().int().nullable(),
    durationMs: z.number(),
    /** The end of its output (the journal redacts it like everything else). */
    output: z.string(),
  }),
  z.object({
    /** A task's acceptance tests, written by its test author and committed as the task's start commit: the implementor cannot change them. */
    type: z.literal('tests/didFreeze'),
    taskId: z.string(),
    /** The frozen commit: the task's start commit from now on (its parent is where the lease started). */
    commit: z.string(),
    files: z.array(z.string()),
    /** The test author's changes outside test files, put back (a test author writes tests, never the fix). */
    discarded: z.array(z.string()),
  }),
  z.object({
    type: z.literal('verify/didCheck'),
    taskId: z.string(),
    check: z.string(),
    passed: z.boolean(),
    detail: z.string(),
  }),
  z.object({
    type: z.literal('verify/didFinish'),
    taskId: z.string(),
    attempt: z.number().int(),
    passed: z.boolean(),
    findings: z.array(FindingSchema),
  }),
  z.object({ type: z.literal('task/didSucceed'), taskId: z.string(), headCommit: z.string() }),
  z.object({
    type: z.literal('task/didFail'),
    taskId: z.string(),
    reason: z.string(),
    /** It ended because the run was stopped, not on its own: a resume continues it from its last checkpoint. */
    stopped: z.boolean().optional(),
  }),
  z.object({ type: z.literal('task/didBlock'), taskId: z.string(), blockedBy: z.array(z.string()) }),
  /**
   * Continuous prediction: after a checkpoint, the task's branch would conflict with another task's
   * branch in flight (or, with otherTaskId null, with the integration branch). A later prediction of
   * the same pair replaces it; conflict/didClear ends it.
   */
  z.object({
    type: z.literal('conflict/didPredict'),
    taskId: z.string(),
    otherTaskId: z.string().nullable(),
    /** The checkpoint commit that was checked. */
    commit: z.string(),
    files: z.array(
      z.object({
        path: z.string(),
        kind: z.string(),
        /** Lines of the merge base (1-based, inclusive) that both sides change. */
        hunks: z.array(z.object({ start: z.number().int(), end: z.number().int() })),
      }),
    ),
  }),
  /** A predicted conflict no longer holds (the branches moved apart, or one of them merged or ended). */
  z.object({ type: z.literal('conflict/didClear'), taskId: z.string(), otherTaskId: z.string().nullable() }),
  z.object({
    type: z.literal('conflict/didDetect'),
    taskIds: z.tuple([z.string(), z.string()]),
    files: z.array(z.object({ path: z.string(), kind: z.string() })),
    /** textual: git could not merge; semantic: git merged cleanly but a merged task's check fails on the result. Absent: textual. */
    cause: z.enum(['textual', 'semantic']).optional(),
    /** A semantic conflict's failing check and the integration merge that introduced it. */
    check: z.string().optional(),
    mergeCommit: z.string().optional(),
  }),
  /** How it landed (absent: auto): a clean merge, a merge agent's resolution, or a person's answer. */
  z.object({ type: z.literal('merge/didMerge'), taskId: z.string(), branch: z.string(), commit: z.string(), tier: MergeTierSchema.optional() }),
  /** A task that cannot start until a conflict among its dependencies is resolved: it waits, it does not fail. */
  z.object({ type: z.literal('task/didWait'), taskId: z.string(), escalationId: z.string(), reason: z.string() }),
  z.object({
    type: z.literal('escalation/didOpen'),
    escalationId: z.string(),
    kind: z.enum(['conflict', 'approval', 'budget', 'repeatedFailure', 'circuitBreaker']),
    taskIds: z.array(z.string()),
    question: z.string(),
    options: z.array(z.string()),
    files: z
      .array(
        z.object({
          path: z.string(),
          kind: z.string(),
          base: z.string().nullable(),
          ours: z.string().nullable(),
          theirs: z.string().nullable(),
          /** What the merge agent produced for this file before it was judged, when one tried. */
          merged: z.string().nullable().optional(),
        }),
      )
      .default([]),
    /** What was tried before a person was asked (the merge agent's attempt and why it was refused). */
    tried: z.string().optional(),
    /** A conflict's cause (absent: textual): a semantic one has no sides to take, only a fix to make on the integration branch. */
    cause: z.enum(['textual', 'semantic']).optional(),
    /** An approval: the agent that waits, what it wants to do, and when the wait ends as denied. */
    agentId: z.string().optional(),
    action: ActionSchema.optional(),
    expiresAt: z.number().optional(),
  }),
  z.object({ type: z.literal('escalation/didResolve'), escalationId: z.string(), choice: z.string(), by: z.string() }),
  /**
   * A consequential action that was not simply allowed: refused by the policy, or approved or denied
   * through an approval escalation (`escalationId`) by a person, a timeout or a stop (`by`).
   */
  z.object({
    type: z.literal('policy/didDecide'),
    ...agentRef,
    action: ActionSchema,
    outcome: z.enum(['approved', 'denied']),
    by: z.string(),
    escalationId: z.string().nullable(),
    reason: z.string(),
  }),
  /** A person accepted or dismissed a verifier finding (by its index in the task's findings). */
  z.object({
    type: z.literal('finding/didReview'),
    taskId: z.string(),
    index: z.number().int().nonnegative(),
    decision: z.enum(['accepted', 'dismissed']),
    by: z.string(),
  }),
  z.object({
    type: z.literal('run/didFinish'),
    status: z.enum(['succeeded', 'failed', 'escalated', 'stopped']),
    integrationBranch: z.string().nullable(),
    integrationCommit: z.string().nullable(),
  }),
]);
export type EventBody = z.infer<typeof EventBodySchema>;
export type EventType = EventBody['type'];

export const RunEventSchema = z.intersection(z.object(envelope), EventBodySchema);
export type RunEvent = EventBody & { seq: number; ts: number };
export type EventOf<T extends EventType> = Extract<RunEvent, { type: T }>;
