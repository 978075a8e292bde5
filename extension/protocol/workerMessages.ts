import { z } from 'zod';
import { CoverageRuleSchema, TaskSchema } from './plan';
import { SpecSchema } from './spec';
import { EventBodySchema } from './events';
import { AgentOutcomeSchema, UsageSchema } from './usage';
import { ChatMessageSchema } from './chat';
import { FindingSchema, TaskResultSchema } from './taskResult';
import { RelayChatRequestSchema, RelayChatResponseSchema, RelayErrorSchema } from './modelRelay';
import { ActionPolicySchema, ActionSchema } from './policy';
import { ConfinementSchema, SandboxSpecSchema } from './sandbox';

/** How an agent reaches its model. The API key travels in memory only: it is never journaled. */
export const ModelEndpointSchema = z.object({
  baseUrl: z.string(),
  model: z.string(),
  apiKey: z.string(),
  timeoutMs: z.number().int().positive(),
  maxRetries: z.number().int().nonnegative(),
  /** Extra headers; the simulator uses x-loom-agent to pick the scripted conversation. */
  headers: z.array(z.tuple([z.string(), z.string()])).default([]),
  /** The host answers (VS Code's Language Model API) through the coordinator instead of an HTTP endpoint. */
  relay: z.boolean().optional(),
});
export type ModelEndpoint = z.infer<typeof ModelEndpointSchema>;

/** An MCP server to start per agent over stdio (the shape of an entry in .vscode/mcp.json). */
export const McpServerConfigSchema = z.object({
  name: z.string(),
  command: z.string(),
  args: z.array(z.string()).default([]),
  /** Only these variables reach the subprocess, on top of a minimal PATH/HOME/LANG. */
  env: z.array(z.tuple([z.string(), z.string()])).default([]),
  /** The network it asks for (`"network": "host"` in mcp.json); loopback only unless the policy grants more. */
  network: z.enum(['loopback', 'host']).optional(),
  /** What its sandbox lets it see, set per agent by the coordinator; absent: it runs unconfined. */
  confinement: ConfinementSchema.optional(),
  /**
   * What it is known to answer to tools/list before it starts (Loom's own server, from its
   * definitions): the agent's first model call goes out with these while the server starts, and
   * the server's own answer replaces them.
   */
  tools: z
    .array(
      z.object({
        name: z.string(),
        description: z.string().optional(),
        inputSchema: z.object({ type: z.literal('object') }).passthrough(),
        annotations: z.record(z.string(), z.boolean()).optional(),
      }),
    )
    .optional(),
});
export type McpServerConfig = z.infer<typeof McpServerConfigSchema>;

/**
 * How Loom watches an agent's MCP servers: a call that gets no answer (nor progress) within
 * callTimeoutMs, or an idle server that misses a ping, counts as hung; a hung or dead server is
 * restarted for that agent alone, at most maxRestarts times. pingIntervalMs 0 turns pings off.
 */
export const McpSupervisionSchema = z.object({
  callTimeoutMs: z.number().int().positive().default(120_000),
  pingIntervalMs: z.number().int().nonnegative().default(15_000),
  pingTimeoutMs: z.number().int().positive().default(10_000),
  maxRestarts: z.number().int().nonnegative().default(3),
});
export type McpSupervision = z.infer<typeof McpSupervisionSchema>;

/** Tool-result elision: results older than `keepTurns` turns become stubs, the boundary moving `blockTurns` turns at a time. */
export const ElisionSchema = z.union([
  z.literal(false),
  z.object({ keepTurns: z.number().int().nonnegative(), blockTurns: z.number().int().positive(), minChars: z.number().int().nonnegative() }),
]);
export type Elision = z.infer<typeof ElisionSchema>;

export const ImplementJobSchema = z.object({
  /** A merger is an implementor whose task is resolving conflict markers in its lease; a test author's is writing the task's acceptance tests. */
  role: z.enum(['testAuthor', 'implementor', 'merger']),
  runId: z.string(),
  agentId: z.string(),
  attempt: z.number().int(),
  spec: SpecSchema,
  task: TaskSchema,
  worktree: z.string(),
  endpoint: ModelEndpointSchema,
  /** Loom's own tool server is always first; user-configured servers follow. */
  mcpServers: z.array(McpServerConfigSchema),
  /** What confines this agent's processes (each server's confinement says what it may see). */
  sandbox: SandboxSpecSchema,
  budgetTokens: z.number().int().positive(),
  maxTurns: z.number().int().positive(),
  /** The model's context window: older tool results are compacted before the prompt reaches it. */
  contextWindowTokens: z.number().int().positive().default(128_000),
  /** How old tool results are cut to stubs (engine/agents/elideToolResults.ts); absent: the defaults; false: never (the full history is resent). */
  elision: ElisionSchema.optional(),
  /** Findings of a failed verification, for the one retry. */
  findings: z.array(FindingSchema).default([]),
  /** The conversation to resume from (the last checkpoint), empty for a fresh start. */
  resumeMessages: z.array(ChatMessageSchema).default([]),
  /** Said to the agent when it continues after a crash (tool calls that may have taken effect outside its worktree). */
  resumeNotes: z.array(z.string()).optional(),
  /** The run's effective action policy: the worker's gate classifies every tool call with it. */
  policy: ActionPolicySchema,
  /** The run's command allowlist, for the policy's `command` rule. */
  commandAllowlist: z.array(z.string()),
  /** Overrides of the MCP supervision defaults (RunOptions.mcpSupervision). */
  mcpSupervision: McpSupervisionSchema.partial().optional(),
});
export type ImplementJob = z.infer<typeof ImplementJobSchema>;

export const PlanJobSchema = z.object({
  role: z.literal('coordinator'),
  runId: z.string(),
  agentId: z.string(),
  spec: SpecSchema,
  /** A compact listing of the repository, so the plan names real files. */
  repoFiles: z.array(z.string()),
  /** Acceptance commands must be runnable: on this allowlist (plus `sh` when confined) and installed. */
  runnable: z.object({ allowlist: z.array(z.string()), confined: z.boolean() }).optional(),
  /** Whether the plan must answer coverage (default required; see CoverageRuleSchema). */
  coverage: CoverageRuleSchema.optional(),
  endpoint: ModelEndpointSchema,
  budgetTokens: z.number().int().positive(),
});
export type PlanJob = z.infer<typeof PlanJobSchema>;

export const VerifyJobSchema = z.object({
  role: z.literal('verifier'),
  runId: z.string(),
  agentId: z.string(),
  attempt: z.number().int(),
  spec: SpecSchema,
  task: TaskSchema,
  result: TaskResultSchema,
  repo: z.string(),
  baseCommit: z.string(),
  /** The commit the task started from (base plus its dependencies). */
  startCommit: z.string(),
  headCommit: z.string(),
  /** Folder in which the verifier makes its own worktrees. */
  scratchDir: z.string(),
  /** The task's verifier checkout, reset between commits and kept across its verify rounds (removed when the task ends); absent: a throwaway one in scratchDir. */
  worktree: z.string().optional(),
  /** The run's cache of start-commit test runs (verify/baseResults.ts); absent: the start commit is run every time. */
  baseRunsDir: z.string().optional(),
  endpoint: ModelEndpointSchema,
  budgetTokens: z.number().int().positive(),
  commandAllowlist: z.array(z.string()),
  /** Tests and lint run in this sandbox, in the verifier's own scratch worktrees. */
  sandbox: SandboxSpecSchema,
  /** The repository's setup recipe, run in each of the verifier's checkouts before its checks. */
  setup: z.string().nullable().default(null),
  lintCommand: z.array(z.string()).nullable(),
  flakeReruns: z.number().int().nonnegative(),
  commandTimeoutMs: z.number().int().positive(),
});
export type VerifyJob = z.infer<typeof VerifyJobSchema>;

export const AgentJobSchema = z.discriminatedUnion('role', [ImplementJobSchema, PlanJobSchema, VerifyJobSchema]);
export type AgentJob = z.infer<typeof AgentJobSchema>;

/** coordinator -> worker */
export const ToWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('agent/start'), job: AgentJobSchema }),
  z.object({ type: z.literal('agent/stop'), reason: z.string() }),
  /** Something the agent is told at its next turn, as a user message (a predicted conflict with another task: docs/conflicts.md). */
  z.object({ type: z.literal('agent/notice'), text: z.string() }),
  z.object({ type: z.literal('model/didAnswer'), requestId: z.number().int(), response: RelayChatResponseSchema }),
  z.object({ type: z.literal('model/didFail'), requestId: z.number().int(), error: RelayErrorSchema }),
  /** The answer to `model/askAdmit`: the call may go with this output cap, or may not (a budget, or the run stopped). */
  z.object({ type: z.literal('model/didAdmit'), requestId: z.number().int(), maxOutputTokens: z.number().int().nonnegative() }),
  z.object({ type: z.literal('model/didRefuse'), requestId: z.number().int(), kind: z.enum(['budget', 'cancelled']), message: z.string() }),
  /** The answer to `approval/ask`: approved, or denied by a person, a timeout or a stop. */
  z.object({
    type: z.literal('approval/didAnswer'),
    requestId: z.number().int(),
    approved: z.boolean(),
    by: z.string(),
    escalationId: z.string().nullable(),
    message: z.string(),
  }),
]);
export type ToWorker = z.infer<typeof ToWorkerSchema>;

/** worker -> coordinator */
export const FromWorkerSchema = z.discriminatedUnion('type', [
  /** An effect to journal; the coordinator stamps seq and ts. */
  z.object({ type: z.literal('agent/didEmit'), event: EventBodySchema }),
  /** Before every model call: may it go (the run's budgets, circuit breaker and rate limit), with which output cap? */
  z.object({ type: z.literal('model/askAdmit'), requestId: z.number().int(), promptTokens: z.number().int().nonnegative(), maxOutputTokens: z.number().int().nonnegative() }),
  /** After every admitted call: what it used, or how it failed for good. */
  z.object({ type: z.literal('model/didSettle'), usage: UsageSchema.nullable(), failed: z.string().optional() }),
  /** A model call for the host's model (endpoint.relay). */
  z.object({ type: z.literal('model/ask'), request: RelayChatRequestSchema }),
  /** A tool call the policy says needs approval: the coordinator opens an approval escalation and answers with `approval/didAnswer`. */
  z.object({ type: z.literal('approval/ask'), requestId: z.number().int(), action: ActionSchema, reason: z.string() }),
  z.object({
    type: z.literal('agent/didEnd'),
    outcome: AgentOutcomeSchema,
    usage: UsageSchema,
    /** Role-specific payload: a plan (coordinator), a task result (implementor), a verdict (verifier). */
    output: z.unknown(),
  }),
]);
export type FromWorker = z.infer<typeof FromWorkerSchema>;
