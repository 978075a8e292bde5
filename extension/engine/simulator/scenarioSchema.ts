import { z } from 'zod';

/** Scenario files drive the model simulator. The format is documented in docs/scenarios.md. */

export const ScriptedToolCallSchema = z.strictObject({
  /** Any name: an unknown tool is just a tool call with an unknown name. */
  name: z.string().min(1),
  /** An object is sent as JSON; a string is sent raw (that is how invalid arguments are scripted). */
  arguments: z.union([z.record(z.string(), z.unknown()), z.string()]).default({}),
  /** Tool call id; default `call_<turn>_<index>`. */
  id: z.string().min(1).optional(),
});
export type ScriptedToolCall = z.infer<typeof ScriptedToolCallSchema>;

const afterChunks = z.number().int().nonnegative();

export const FaultSchema = z.discriminatedUnion('kind', [
  /** 429 with Retry-After (seconds) and/or retry-after-ms headers. */
  z.strictObject({
    kind: z.literal('rateLimit'),
    retryAfterSeconds: z.number().nonnegative().optional(),
    retryAfterMs: z.number().int().nonnegative().optional(),
    message: z.string().optional(),
  }),
  /** A 5xx answer (default 500). */
  z.strictObject({
    kind: z.literal('server'),
    status: z.number().int().min(500).max(599).default(500),
    message: z.string().optional(),
  }),
  /**
   * Accept the request and never answer, until the client gives up or `hangMs` elapses (then the
   * connection is dropped). With `afterChunks`, first send the headers and that many stream chunks.
   */
  z.strictObject({
    kind: z.literal('hang'),
    hangMs: z.number().int().positive().optional(),
    afterChunks: afterChunks.optional(),
  }),
  /** 200 and a stream with a non-JSON `data:` line, then the response ends. */
  z.strictObject({ kind: z.literal('malformedStream') }),
  /** 200 and `afterChunks` (default 2) stream chunks, then the socket is destroyed. */
  z.strictObject({ kind: z.literal('truncatedStream'), afterChunks: afterChunks.default(2) }),
]);
export type Fault = z.infer<typeof FaultSchema>;

export const TurnSchema = z
  .strictObject({
    /** Delay before the response starts; default the scenario's defaultLatencyMs. */
    latencyMs: z.number().int().nonnegative().optional(),
    /** Delay between stream chunks; default 0. */
    chunkDelayMs: z.number().int().nonnegative().optional(),
    content: z.string().optional(),
    toolCalls: z.array(ScriptedToolCallSchema).optional(),
    /** Default "tool_calls" when there are tool calls, else "stop". */
    finishReason: z.string().min(1).optional(),
    /** Reported usage; default estimated from characters / 4. `cachedInputTokens` (a replay's recorded value) replaces the prompt cache's. */
    usage: z
      .strictObject({ inputTokens: z.number().int().nonnegative(), outputTokens: z.number().int().nonnegative(), cachedInputTokens: z.number().int().nonnegative().optional() })
      .optional(),
    /** Send no usage at all, even when the client asks for it. */
    omitUsage: z.boolean().optional(),
    /** Answer this request with a fault instead. Content and tool calls, if any, feed partial streams. */
    fault: FaultSchema.optional(),
  })
  .refine((turn) => turn.content !== undefined || turn.toolCalls !== undefined || turn.fault !== undefined, {
    message: 'a turn needs at least one of "content", "toolCalls" or "fault"',
  });
export type Turn = z.infer<typeof TurnSchema>;

export const AgentMatchSchema = z.strictObject({
  /** The exact agent id (x-loom-agent). */
  agent: z.string().min(1).optional(),
  /** x-loom-role: coordinator, implementor, verifier, merger. */
  role: z.string().min(1).optional(),
  /** x-loom-task; an entry with a task never matches a request without one (the coordinator). */
  task: z.string().min(1).optional(),
  /** x-loom-attempt. */
  attempt: z.number().int().nonnegative().optional(),
});
export type AgentMatch = z.infer<typeof AgentMatchSchema>;

export const AgentScriptSchema = z.strictObject({
  description: z.string().optional(),
  match: AgentMatchSchema.default({}),
  turns: z.array(TurnSchema).min(1),
});
export type AgentScript = z.infer<typeof AgentScriptSchema>;

export const ScenarioSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  /** The model id the simulator reports. */
  model: z.string().min(1).default('loom-sim-1'),
  defaultLatencyMs: z.number().int().nonnegative().default(0),
  /** Stream text and tool arguments in pieces of this many characters. */
  chunkChars: z.number().int().positive().default(20),
  /**
   * The provider's prompt cache, per agent: the longest prefix a request shares with that agent's
   * earlier requests (tools first, then messages) is reported as `prompt_tokens_details.cached_tokens`,
   * in whole blocks of `blockTokens`, and only from `minTokens` on (OpenAI's rules: 1024 and 128).
   * `false`: no cache, nothing reported.
   */
  promptCache: z
    .union([z.literal(false), z.strictObject({ minTokens: z.number().int().nonnegative().default(1024), blockTokens: z.number().int().positive().default(128) })])
    .default({ minTokens: 1024, blockTokens: 128 }),
  agents: z.array(AgentScriptSchema),
});
export type Scenario = z.infer<typeof ScenarioSchema>;
/** A scenario as written in a file or a test, before defaults are applied. */
export type ScenarioInput = z.input<typeof ScenarioSchema>;
