import { runnerOfCommand } from './commandRunner';
import { kindOf } from './failureKind';
import { looksLikeFilePath } from './filePath';
import { describeMismatch, mismatchFromDiff } from './mismatch';
import { noTestFilesLine } from './noTestFiles';
import type { RunnerAdapter } from './runnerAdapter';
import { pointsOf, readTap, type TapItem, type TapPoint } from './tapDocument';
import type { TestFailure, TestReport, TestResult } from './testReport';
import { findThrownError } from './thrownError';

interface Walk {
  tests: TestResult[];
  loadErrors: string[];
  crash: string | undefined;
  /** Files tap counted as tests because they crashed or held none. */
  placeholders: { passed: number; failed: number; skipped: number };
}

/** The tap CLI wraps each test file in a subtest named after the file, with the command in its diagnostics. */
function isFilePoint(point: TapPoint): boolean {
  const diag = point.diag ?? {};
  return 'command' in diag || 'externalID' in diag || looksLikeFilePath(point.name);
}

function failureOf(point: TapPoint, crash: string | undefined): TestFailure {
  const diag = point.diag ?? {};
  if (point.unfinished) return { kind: 'error', message: crash ?? 'the test process exited before this test finished' };
  const errorName = typeof diag.type === 'string' ? diag.type : undefined;
  // tap catches what a test throws (tapCaught) and times tests out (expired/signal): not assertions.
  const thrown = errorName !== undefined || 'tapCaught' in diag || 'expired' in diag || 'signal' in diag;
  const kind = errorName ? kindOf(errorName, point.name) : thrown ? 'error' : 'assertion';
  if (kind === 'error') return { kind, message: point.name, ...(errorName ? { errorName } : {}) };
  const values =
    'wanted' in diag || 'found' in diag
      ? describeMismatch(diag.wanted, diag.found)
      : typeof diag.diff === 'string'
        ? mismatchFromDiff(diag.diff)
        : undefined;
  return { kind, message: values ? `${point.name}: ${values}` : point.name, ...(errorName ? { errorName } : {}) };
}

function resultOf(point: TapPoint, assertions: readonly TapPoint[], path: readonly string[], file: string | undefined, w: Walk): TestResult {
  const base = { name: [...path, point.name].join(' › '), ...(file ? { file } : {}) };
  if (point.skip || point.todo) return { ...base, status: 'skipped' };
  if (point.ok) return { ...base, status: 'passed' };
  const failed = assertions.find((a) => !a.ok && !a.todo && a !== point) ?? point;
  return { ...base, status: 'failed', failure: failureOf(failed, w.crash) };
}

/**
 * In node-tap a test is a subtest holding assertions; assertions are leaf points. Leaves at a level
 * that is not inside a test (a skipped top-level test, a bare t.ok in the file) count as tests.
 */
function walk(items: readonly TapItem[], path: readonly string[], file: string | undefined, leavesAreTests: boolean, w: Walk): void {
  for (const point of pointsOf(items)) {
    if (!point.children) {
      if (leavesAreTests) w.tests.push(resultOf(point, [point], path, file, w));
      continue;
    }
    const kids = pointsOf(point.children);
    if (path.length === 0 && isFilePoint(point)) {
      if (kids.length === 0) w.placeholders[point.skip ? 'skipped' : point.ok ? 'passed' : 'failed']++;
      if (kids.length === 0 && !point.ok && !point.skip) w.loadErrors.push(`${point.name}: ${w.crash ?? `exited with code ${String(point.diag?.exitCode ?? '?')}`}`);
      walk(point.children, [], point.name, true, w);
      continue;
    }
    const assertions = kids.filter((k) => !k.children);
    if (assertions.length > 0 || kids.length === 0) {
      w.tests.push(resultOf(point, assertions, path, file, w));
      walk(point.children, [...path, point.name], file, false, w);
    } else {
      walk(point.children, [...path, point.name], file, false, w);
    }
  }
}

function counts(stdout: string): TestReport['counts'] {
  // "# { total: 3, pass: 2, skip: 1 }"
  const m = /^# \{ total: \d+(.*)\}$/m.exec(stdout);
  if (!m) return undefined;
  const n = (label: string): number => Number(new RegExp(`${label}: (\\d+)`).exec(m[1])?.[1] ?? 0);
  return { passed: n('pass'), failed: n('fail'), skipped: n('skip') + n('todo') };
}

/** node-tap (the `tap` CLI, or a tap test file run with node): nested TAP 14 subtests. */
export const nodeTapAdapter: RunnerAdapter = {
  name: 'tap',
  matches: (argv) => runnerOfCommand(argv) === 'tap',
  parse(stdout, stderr, exitCode): TestReport | null {
    const doc = readTap(stdout);
    if (!doc) return null;
    const nested = doc.items.some((i) => i.kind === 'point' && i.children);
    if (!nested && doc.version !== 14) return null;
    const crash = exitCode !== 0 ? findThrownError(stderr)?.line : undefined;
    const w: Walk = { tests: [], loadErrors: [], crash, placeholders: { passed: 0, failed: 0, skipped: 0 } };
    walk(doc.items, [], undefined, true, w);
    const missing = noTestFilesLine(stderr);
    if (missing) w.loadErrors.unshift(missing.line);
    const total = counts(stdout);
    const c = total && { passed: total.passed - w.placeholders.passed, failed: total.failed - w.placeholders.failed, skipped: total.skipped - w.placeholders.skipped };
    return { runner: 'tap', tests: w.tests, ...(c ? { counts: c } : {}), ...(w.loadErrors.length ? { loadError: w.loadErrors.join('\n') } : {}) };
  },
};
