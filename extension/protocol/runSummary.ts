import { z } from 'zod';

/**
 * What a run looks like from outside: its journal folded to one line (the run catalogue, the
 * sidebar's Runs view, the dashboard's run list). `interrupted` is a run whose journal has no end
 * and whose owner process is gone: it can be resumed.
 */
export const RunListStatusSchema = z.enum(['planning', 'running', 'interrupted', 'succeeded', 'failed', 'escalated', 'stopped']);
export type RunListStatus = z.infer<typeof RunListStatusSchema>;

export const RunSummarySchema = z.object({
  runId: z.string(),
  repo: z.string().nullable(),
  specPath: z.string().nullable(),
  model: z.string().nullable(),
  status: RunListStatusSchema,
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  /** Tasks in the plan, and how many of them are merged or verified. */
  tasks: z.number().int().nonnegative(),
  tasksDone: z.number().int().nonnegative(),
  /** Escalations nobody has answered yet. */
  openEscalations: z.array(z.object({ escalationId: z.string(), kind: z.string(), question: z.string() })),
  /** Lines of the journal the reader skipped (torn, corrupt, duplicate). */
  journalProblems: z.number().int().nonnegative(),
});
export type RunSummary = z.infer<typeof RunSummarySchema>;
