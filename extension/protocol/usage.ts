import { z } from 'zod';

export const UsageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  /**
   * The part of `inputTokens` the provider read from its prompt cache (OpenAI's
   * `usage.prompt_tokens_details.cached_tokens`). Optional: absent when the provider reported none,
   * and in journals written before it was recorded.
   */
  cachedInputTokens: z.number().int().nonnegative().optional(),
});
export type Usage = z.infer<typeof UsageSchema>;

/** The sum of two usages; `cachedInputTokens` appears only when either side has it, so old folds stay unchanged. */
export function addUsage(a: Usage, b: Usage): Usage {
  const sum: Usage = { inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens };
  if (a.cachedInputTokens !== undefined || b.cachedInputTokens !== undefined) sum.cachedInputTokens = (a.cachedInputTokens ?? 0) + (b.cachedInputTokens ?? 0);
  return sum;
}

export const AgentRoleSchema = z.enum(['coordinator', 'testAuthor', 'implementor', 'verifier', 'merger']);
export type AgentRole = z.infer<typeof AgentRoleSchema>;

/** How an agent ended. Every failure at an agent boundary is one of these, never a crash. */
export const AgentOutcomeSchema = z.object({
  kind: z.enum(['completed', 'budgetExceeded', 'iterationCap', 'loopDetected', 'modelError', 'toolError', 'invalidResult', 'stopped', 'crashed']),
  message: z.string(),
  /** What should happen next: retry from the last checkpoint, stop, or ask a person. */
  next: z.enum(['none', 'retry', 'stop', 'escalate']),
  /** For a modelError: the model error's kind (network, auth, badRequest, …), so a view need not parse the message. */
  errorKind: z.string().optional(),
});
export type AgentOutcome = z.infer<typeof AgentOutcomeSchema>;
