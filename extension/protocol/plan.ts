import { z } from 'zod';

/** A command is an argv array: never a shell string, so nothing is interpolated by a shell. */
export const CommandSchema = z.array(z.string().min(1)).min(1);
export type Command = z.infer<typeof CommandSchema>;

/** Acceptance checks the verifier runs before any model judgment. */
export const AcceptanceCheckSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('failToPass'),
    /** The test command; it must fail on the base commit and pass on the task branch. */
    command: CommandSchema,
    /** Test files the command runs; the verifier runs its own pristine copy of them. */
    testFiles: z.array(z.string()).default([]),
    /** Tests (as the runner names them) that must fail on the start commit and pass on the branch; default: those that fail on the start commit. */
    testNames: z.array(z.string().min(1)).optional(),
    /**
     * Who writes the tests, before the implementor starts: `testAuthor` (default), an agent with its own
     * context that sees the spec and the code, never the implementor; `spec`, tests already in the
     * repository at the task's start. Either way they are frozen: the implementor cannot change them.
     */
    testsBy: z.enum(['testAuthor', 'spec']).default('testAuthor'),
  }),
  z.object({
    kind: z.literal('passToPass'),
    command: CommandSchema,
  }),
  z.object({
    kind: z.literal('lint'),
    command: CommandSchema,
  }),
]);
export type AcceptanceCheck = z.infer<typeof AcceptanceCheckSchema>;

export const TaskIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'task ids are lowercase letters, digits and dashes (max 40), usable in a branch name');

/**
 * The coordinator's answer to "how does this task address its requirement?": one acceptance
 * criterion of one requirement, quoted from the spec, and how the task's acceptance checks show it.
 */
export const CoverageSchema = z.object({
  requirementId: z.string().regex(/^R\d+$/),
  /** The criterion as the spec's acceptance list words it (small wording differences are tolerated). */
  criterion: z.string().min(1),
  /** How the task's acceptance checks show the criterion holds, e.g. "test/sum.test.js asserts sum([]) is 0". */
  shownBy: z.string().min(1),
});
export type Coverage = z.infer<typeof CoverageSchema>;

/**
 * `required` for every plan a model proposes now; `ifAnswered` only when replaying a journal
 * recorded before coverage existed: a plan with no coverage at all is then held to the rules of
 * its time (requirement ids exist and each is named by a task), so the replay comes out the same.
 */
export const CoverageRuleSchema = z.enum(['required', 'ifAnswered']);
export type CoverageRule = z.infer<typeof CoverageRuleSchema>;

export const TaskSchema = z.object({
  id: TaskIdSchema,
  title: z.string().min(1),
  instructions: z.string().min(1),
  requirementIds: z.array(z.string().regex(/^R\d+$/)).min(1),
  /** Globs (picomatch) of files the task expects to change; overlapping scopes are sequenced. */
  fileScope: z.array(z.string().min(1)).min(1),
  dependsOn: z.array(TaskIdSchema).default([]),
  acceptance: z.array(AcceptanceCheckSchema).default([]),
  /** Optional per-task token budget; the run's default applies otherwise. */
  budgetTokens: z.number().int().positive().optional(),
  /**
   * Which acceptance criteria of its requirements the task satisfies. Optional here, so journals
   * written before it existed still fold; validatePlan requires it of every plan a model proposes.
   */
  coverage: z.array(CoverageSchema).optional(),
});
export type Task = z.infer<typeof TaskSchema>;

export const PlanSchema = z.object({
  tasks: z.array(TaskSchema).min(1),
});
export type Plan = z.infer<typeof PlanSchema>;
