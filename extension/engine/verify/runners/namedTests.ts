import type { TestReport, TestResult } from './testReport';

// "math › adds", "math > adds" and mocha's "math adds" are the same title path.
const normal = (name: string): string => name.replace(/\s*(›|>)\s*/g, ' ').replace(/\s+/g, ' ').trim();

/**
 * Whether a reported test is the named one: the same title path, or the name leaves out the outer
 * suites, or the reporter printed the title alone (vitest's default does) and it ends the name.
 */
export function isNamedTest(test: TestResult, wanted: string): boolean {
  const t = normal(test.name);
  const w = normal(wanted);
  return t === w || t.endsWith(` ${w}`) || w.endsWith(` ${t}`);
}

/** The reported tests each name matches, and the names that matched none. */
export function findNamedTests(report: TestReport, names: readonly string[]): { matched: TestResult[]; missing: string[] } {
  const matched = report.tests.filter((t) => names.some((n) => isNamedTest(t, n)));
  const missing = names.filter((n) => !report.tests.some((t) => isNamedTest(t, n)));
  return { matched, missing };
}

/** A hint when the reporter named fewer tests than it counted: names need its JSON or verbose reporter. */
export function unnamedHint(report: TestReport): string {
  const c = report.counts;
  if (!c) return '';
  const total = c.passed + c.failed + c.skipped;
  return total > report.tests.length ? ` (the reporter named ${report.tests.length} of ${total} tests; its JSON or verbose reporter names all)` : '';
}

/** The tests a check is about: the named ones when there are names, else every reported test. */
export function selectTests(report: TestReport, names: readonly string[] | undefined): { tests: TestResult[]; missing: string[] } {
  if (!names?.length) return { tests: report.tests, missing: [] };
  const { matched, missing } = findNamedTests(report, names);
  return { tests: matched, missing };
}
