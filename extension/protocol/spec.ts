import { z } from 'zod';

export const RequirementSchema = z.object({
  id: z.string().regex(/^R\d+$/),
  title: z.string(),
  /** The requirement's prose (without the acceptance list). */
  text: z.string(),
  acceptance: z.array(z.string()),
  /** 1-based line of the requirement heading in the spec file. */
  line: z.number().int(),
});
export type Requirement = z.infer<typeof RequirementSchema>;

export const SpecSchema = z.object({
  title: z.string(),
  /** Free text before the first requirement: context for every agent. */
  overview: z.string(),
  requirements: z.array(RequirementSchema),
  /** sha256 of the source text: a spec edit is a new revision. */
  revision: z.string(),
});
export type Spec = z.infer<typeof SpecSchema>;
