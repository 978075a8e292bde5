import { z } from 'zod';
import { FindingSchema } from './taskResult';

/** What a verifier agent hands back: passed means no error-severity finding. */
export const VerdictSchema = z.object({
  passed: z.boolean(),
  findings: z.array(FindingSchema),
});
export type Verdict = z.infer<typeof VerdictSchema>;
