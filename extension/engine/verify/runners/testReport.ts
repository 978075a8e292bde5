import { z } from 'zod';

/**
 * What a test runner said about one run, read from its own output: which tests ran and how each
 * ended. The verifier decides fail-to-pass from this, not from the exit code alone.
 */

export const failureKindSchema = z.enum(['assertion', 'error']);
export type FailureKind = z.infer<typeof failureKindSchema>;

export const testFailureSchema = z.object({
  /** 'assertion': an assertion did not hold; 'error': the test threw something else. */
  kind: failureKindSchema,
  /** The runner's message without the stack, e.g. "Expected values to be strictly equal: 3 !== 2". */
  message: z.string(),
  /** The thrown error's class as the runner printed it, e.g. "AssertionError", "TypeError". */
  errorName: z.string().optional(),
});
export type TestFailure = z.infer<typeof testFailureSchema>;

export const testStatusSchema = z.enum(['passed', 'failed', 'skipped']);
export type TestStatus = z.infer<typeof testStatusSchema>;

export const testResultSchema = z.object({
  /** Suite titles and the test title joined by " › ", e.g. "math › subtracts two numbers". */
  name: z.string(),
  file: z.string().optional(),
  status: testStatusSchema,
  failure: testFailureSchema.optional(),
});
export type TestResult = z.infer<typeof testResultSchema>;

export const testCountsSchema = z.object({
  passed: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
});
export type TestCounts = z.infer<typeof testCountsSchema>;

export const testReportSchema = z.object({
  /** "mocha", "jest", "vitest", "tape", "tap", "node --test", or "unknown" for a bare crash. */
  runner: z.string(),
  tests: z.array(testResultSchema),
  /** The run crashed, could not load a module or file, or found no test files, before its tests ran. */
  loadError: z.string().optional(),
  /**
   * The runner's own totals, when it printed them: some text reporters (jest over several files,
   * vitest's default) name only the failing tests, so `tests` can hold fewer than ran.
   */
  counts: testCountsSchema.optional(),
});
export type TestReport = z.infer<typeof testReportSchema>;
