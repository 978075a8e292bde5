import { z } from 'zod';

/** What an implementor hands off through the report_result tool. Claims are checked against the branch. */
export const TaskResultSchema = z.object({
  status: z.enum(['done', 'blocked']),
  summary: z.string().min(1).max(4000),
  filesChanged: z.array(z.string()).default([]),
  testsRun: z.array(z.string()).default([]),
});
export type TaskResult = z.infer<typeof TaskResultSchema>;

export const FindingSchema = z.object({
  severity: z.enum(['error', 'warning', 'info']),
  /** e.g. failToPass/alreadyPasses, failToPass/stillFails, tests/edited, scope/outside, claim/mismatch, lint, judgment */
  rule: z.string(),
  message: z.string(),
  file: z.string().optional(),
  line: z.number().int().optional(),
  evidence: z.string().optional(),
});
export type Finding = z.infer<typeof FindingSchema>;
