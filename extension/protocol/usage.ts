import { z } from 'zod';

export const UsageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
});
export type Usage = z.infer<typeof UsageSchema>;

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
