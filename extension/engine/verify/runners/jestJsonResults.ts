import { stripVTControlCharacters } from 'node:util';
import { z } from 'zod';
import { failureFromText } from './failureKind';
import { jsonInOutput } from './jsonInOutput';
import type { TestFailure, TestReport, TestResult, TestStatus } from './testReport';

// The JSON jest prints with --json; vitest's json reporter writes the same shape.
const assertionSchema = z.object({
  ancestorTitles: z.array(z.string()),
  title: z.string(),
  status: z.string(),
  failureMessages: z.array(z.string()).nullish(),
  failureDetails: z.array(z.unknown()).optional(),
});
const fileSchema = z.object({
  name: z.string(),
  status: z.string().optional(),
  message: z.string().optional(),
  assertionResults: z.array(assertionSchema),
});
const resultsSchema = z.object({
  numPassedTests: z.number(),
  numFailedTests: z.number(),
  numPendingTests: z.number(),
  numTodoTests: z.number().optional(),
  // Only jest prints these two.
  numRuntimeErrorTestSuites: z.number().optional(),
  openHandles: z.array(z.unknown()).optional(),
  testResults: z.array(fileSchema),
});
export type JestJsonResults = z.infer<typeof resultsSchema>;

/** The jest-shaped JSON document in a run's stdout, if there is one. */
export function readJestJson(stdout: string): JestJsonResults | undefined {
  const parsed = resultsSchema.safeParse(jsonInOutput(stdout, /\{\s*"num(Failed|Total)TestSuites"/));
  return parsed.success ? parsed.data : undefined;
}

/** Which runner wrote it: jest's document has fields vitest's lacks. */
export function isJestsJson(results: JestJsonResults): boolean {
  return results.numRuntimeErrorTestSuites !== undefined || results.openHandles !== undefined;
}

function statusOf(status: string): TestStatus {
  if (status === 'passed') return 'passed';
  if (status === 'failed') return 'failed';
  return 'skipped'; // pending, skipped, todo, disabled
}

function failureOf(a: z.infer<typeof assertionSchema>): TestFailure {
  const failure = failureFromText(a.failureMessages?.[0] ?? '');
  // jest's matchers throw a plain Error and say so in failureDetails.
  const matcher = a.failureDetails?.some((d) => typeof d === 'object' && d !== null && 'matcherResult' in d);
  return matcher ? { ...failure, kind: 'assertion' } : failure;
}

/** "● Test suite failed to run\n\n    Cannot find module ..." → "Cannot find module ...". */
function suiteError(message: string): string {
  const lines = stripVTControlCharacters(message)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('●'));
  return lines[0] ?? 'the test file failed to run';
}

export function reportFromJestJson(runner: string, results: JestJsonResults): TestReport {
  const tests: TestResult[] = [];
  const loadErrors: string[] = [];
  for (const file of results.testResults) {
    // A file that failed with no tests in it did not load (or, for jest, held no tests).
    if (file.assertionResults.length === 0 && file.status === 'failed') loadErrors.push(`${file.name}: ${suiteError(file.message ?? '')}`);
    for (const a of file.assertionResults) {
      const status = statusOf(a.status);
      const name = [...a.ancestorTitles, a.title].join(' › ');
      tests.push({ name, file: file.name, status, ...(status === 'failed' ? { failure: failureOf(a) } : {}) });
    }
  }
  if (results.testResults.length === 0) loadErrors.push('No test files found');
  const counts = { passed: results.numPassedTests, failed: results.numFailedTests, skipped: results.numPendingTests + (results.numTodoTests ?? 0) };
  return { runner, tests, counts, ...(loadErrors.length ? { loadError: loadErrors.join('\n') } : {}) };
}
