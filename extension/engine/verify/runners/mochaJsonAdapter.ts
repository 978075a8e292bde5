import { z } from 'zod';
import { reporterOfCommand, runnerOfCommand } from './commandRunner';
import { kindOf, splitErrorLine } from './failureKind';
import { jsonInOutput } from './jsonInOutput';
import { crashReport } from './crashReport';
import type { RunnerAdapter } from './runnerAdapter';
import type { TestFailure, TestReport, TestResult } from './testReport';

const errSchema = z.object({ message: z.string().optional(), stack: z.string().optional(), name: z.string().optional(), code: z.string().optional() });
const testSchema = z.object({ title: z.string(), fullTitle: z.string(), file: z.string().optional(), err: errSchema.optional() });
type MochaTest = z.infer<typeof testSchema>;
const reportSchema = z.object({
  stats: z.object({ tests: z.number(), passes: z.number(), pending: z.number(), failures: z.number() }),
  tests: z.array(testSchema),
  pending: z.array(testSchema),
  failures: z.array(testSchema),
  passes: z.array(testSchema),
});

/** Mocha's fullTitle joins suite titles with spaces; " › " marks where the test title starts. */
function nameOf(t: MochaTest): string {
  const prefix = t.fullTitle.endsWith(t.title) ? t.fullTitle.slice(0, -t.title.length).trim() : '';
  return prefix ? `${prefix} › ${t.title}` : t.title;
}

function failureOf(t: MochaTest): TestFailure {
  const err = t.err ?? {};
  // Mocha serialises only an error's own properties: a TypeError's class is in its stack's first line.
  const errorName = err.name ?? splitErrorLine((err.stack ?? '').split('\n')[0]).errorName;
  const message = (err.message ?? '').trim();
  const kind = err.code === 'ERR_ASSERTION' ? 'assertion' : kindOf(errorName, message);
  return { kind, message, ...(errorName ? { errorName } : {}) };
}

const key = (t: MochaTest): string => `${t.file ?? ''}\n${t.fullTitle}`;

/** `mocha --reporter json`. */
export const mochaJsonAdapter: RunnerAdapter = {
  name: 'mocha (json)',
  matches: (argv) => runnerOfCommand(argv) === 'mocha' && reporterOfCommand(argv) === 'json',
  parse(stdout, stderr, exitCode): TestReport | null {
    const parsed = reportSchema.safeParse(jsonInOutput(stdout, /\{\s*"stats":/));
    if (!parsed.success) {
      // Mocha died before its reporter ran ("Exception during run", "No test files found").
      return /Exception during run:|^Error: No test files found/m.test(stderr) ? crashReport('mocha', stdout, stderr, exitCode) : null;
    }
    const report = parsed.data;
    const passed = new Set(report.passes.map(key));
    const pending = new Set(report.pending.map(key));
    const failed = new Map(report.failures.map((t) => [key(t), t]));
    const tests: TestResult[] = report.tests.map((t) => {
      const base = { name: nameOf(t), ...(t.file ? { file: t.file } : {}) };
      const failure = failed.get(key(t));
      if (failure) return { ...base, status: 'failed', failure: failureOf(failure) };
      if (pending.has(key(t)) || !passed.has(key(t))) return { ...base, status: 'skipped' };
      return { ...base, status: 'passed' };
    });
    // A failing hook ("before all" hook for ...) is a failure that is not a test.
    const seen = new Set(report.tests.map(key));
    for (const t of report.failures) if (!seen.has(key(t))) tests.push({ name: nameOf(t), ...(t.file ? { file: t.file } : {}), status: 'failed', failure: failureOf(t) });
    const counts = { passed: report.stats.passes, failed: report.stats.failures, skipped: report.stats.pending };
    return { runner: 'mocha', tests, counts };
  },
};
