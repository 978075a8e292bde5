import { z } from 'zod';

/**
 * The action policy (failure mode 8): which consequential actions an agent may take on its own
 * (`allow`), which wait on a person's approval (`approve`), and which are refused (`deny`).
 * Data only; classification lives in engine/policy/actionPolicy.ts. Documented in docs/policy.md.
 */
export const DecisionSchema = z.enum(['allow', 'approve', 'deny'], { error: 'must be "allow", "approve" or "deny"' });
export type Decision = z.infer<typeof DecisionSchema>;

/** What an agent (or Loom on its behalf) is about to do, as plain data for the journal and the question. */
export const ActionSchema = z.discriminatedUnion('kind', [
  /** run_command: an argv, never a shell string. */
  z.object({ kind: z.literal('command'), argv: z.array(z.string()) }),
  /** read_file of a file that commonly holds secrets (`.env`, `*.pem`, …). */
  z.object({ kind: z.literal('readSecretFile'), path: z.string() }),
  /** write_file of a path outside the task's file-scope globs. */
  z.object({ kind: z.literal('writeOutsideScope'), path: z.string(), scope: z.array(z.string()) }),
  /** An MCP server configured with network beyond loopback (`"network": "host"`); the sandbox enforces what is granted. */
  z.object({ kind: z.literal('network'), server: z.string(), network: z.string() }),
  /** A tool of a user-configured MCP server the policy names. `arguments` is the call's JSON, shortened. */
  z.object({ kind: z.literal('mcpTool'), server: z.string(), tool: z.string(), arguments: z.string() }),
  /** Merging into the user's own branch (Loom itself merges only into loom/<run>/integration). */
  z.object({ kind: z.literal('mergeIntoUserBranch'), branch: z.string() }),
  /** Giving a task that reached its token budget more, so its agent continues from its last checkpoint. */
  z.object({ kind: z.literal('extendBudget'), taskId: z.string(), usedTokens: z.number(), limitTokens: z.number(), extraTokens: z.number() }),
  /** Giving the whole run more (tokens or dollars) once it reached its budget: every agent waits meanwhile. */
  z.object({ kind: z.literal('extendRunBudget'), unit: z.enum(['tokens', 'usd']), used: z.number(), limit: z.number(), extra: z.number() }),
  /** Letting a run the circuit breaker paused (repeated failures, or spending too fast) go on. */
  z.object({ kind: z.literal('resumeRun'), trigger: z.enum(['failures', 'spendRate']), detail: z.string() }),
]);
export type Action = z.infer<typeof ActionSchema>;
export type ActionKind = Action['kind'];

const CommandRulesSchema = z.strictObject({
  /** Programs on the run's command allowlist (`isCommandAllowed`). */
  allowlisted: DecisionSchema.default('allow'),
  /** Every other program. */
  other: DecisionSchema.default('approve'),
  /** Per program name (matched like the allowlist: bare name or absolute path), before the two above. */
  programs: z.record(z.string().min(1), DecisionSchema).default({}),
});

/** The policy file (`loom run --policy FILE`) and the `loom.policy` setting: every key optional. */
export const ActionPolicySchema = z.strictObject({
  commands: CommandRulesSchema.prefault({}),
  readSecretFile: DecisionSchema.default('approve'),
  writeOutsideScope: DecisionSchema.default('approve'),
  network: DecisionSchema.default('approve'),
  mergeIntoUserBranch: DecisionSchema.default('approve'),
  /** More tokens for a task that reached its budget: spending is a person's call by default. */
  extendBudget: DecisionSchema.default('approve'),
  /** A run the circuit breaker paused: a person decides by default; `allow` only journals the trip, `deny` stops the run. */
  resumeRun: DecisionSchema.default('approve'),
  /** Calls to the tools of user-configured MCP servers, by server name; servers not named are allowed. */
  mcpServers: z.record(z.string().min(1), DecisionSchema).default({}),
  /** How long an approval waits for a person before it counts as denied. */
  approvalTimeoutSeconds: z.number({ error: 'must be a number of seconds' }).positive('must be more than 0').max(86_400, 'must be at most 86400 (a day)').default(600),
});
export type ActionPolicy = z.infer<typeof ActionPolicySchema>;
export type ActionPolicyInput = z.input<typeof ActionPolicySchema>;

/** The defaults the issue names: allowlisted commands allowed; other commands, network, secret reads, writes outside scope and merges into the user's branch need approval. */
export const DEFAULT_ACTION_POLICY: ActionPolicy = ActionPolicySchema.parse({});

/** The two answers to an approval escalation. */
export const APPROVAL_CHOICES = ['approve', 'deny'] as const;
export type ApprovalChoice = (typeof APPROVAL_CHOICES)[number];
/** The two answers to a budget escalation (a task's or the run's). */
export const BUDGET_CHOICES = ['extend', 'stop'] as const;
/** The two answers to a run the circuit breaker paused. */
export const BREAKER_CHOICES = ['resume', 'stop'] as const;

/**
 * The escalation a person answers while the run waits, for an action that needs their say: its kind
 * and its two choices, the first of which lets the action go ahead (a timeout picks the second).
 */
export function liveEscalationOf(action: Action): { kind: 'approval' | 'budget' | 'circuitBreaker'; choices: readonly [string, string] } {
  switch (action.kind) {
    case 'extendBudget':
    case 'extendRunBudget':
      return { kind: 'budget', choices: BUDGET_CHOICES };
    case 'resumeRun':
      return { kind: 'circuitBreaker', choices: BREAKER_CHOICES };
    case 'command':
    case 'readSecretFile':
    case 'writeOutsideScope':
    case 'network':
    case 'mcpTool':
    case 'mergeIntoUserBranch':
      return { kind: 'approval', choices: APPROVAL_CHOICES };
  }
}
