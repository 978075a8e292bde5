import { runnerOfCommand } from './commandRunner';
import { kindOf } from './failureKind';
import { looksLikeFilePath } from './filePath';
import { noTestFilesLine } from './noTestFiles';
import type { RunnerAdapter } from './runnerAdapter';
import { pointsOf, readTap, textOf, type TapItem, type TapPoint } from './tapDocument';
import type { TestFailure, TestReport, TestResult } from './testReport';
import { findThrownError } from './thrownError';

// node --test's TAP: the summary comments and per-test duration_ms no other producer prints.
const SIGNATURE = /^# (suites|cancelled) \d+$|^\s*duration_ms: /m;

function fileOf(point: TapPoint): string | undefined {
  const location = point.diag?.location;
  return typeof location === 'string' ? location.replace(/:\d+:\d+$/, '') : undefined;
}

/** node --test runs each file in a child process; a file that printed no tests shows as a test named after the file. */
function isFilePoint(point: TapPoint): boolean {
  return !point.children?.some((c) => c.kind === 'point') && looksLikeFilePath(point.name);
}

function failureOf(point: TapPoint): TestFailure {
  const diag = point.diag ?? {};
  const code = typeof diag.code === 'string' ? diag.code : undefined;
  const errorName = typeof diag.name === 'string' ? diag.name : code === 'ERR_ASSERTION' ? 'AssertionError' : undefined;
  const message = String(diag.error ?? point.name).trim();
  const kind = code === 'ERR_ASSERTION' ? 'assertion' : kindOf(errorName, message);
  return { kind, message, ...(errorName ? { errorName } : {}) };
}

function resultOf(point: TapPoint, path: readonly string[], suiteFile: string | undefined): TestResult {
  const file = fileOf(point) ?? suiteFile;
  const base = { name: [...path, point.name].join(' › '), ...(file ? { file } : {}) };
  if (point.skip || point.todo) return { ...base, status: 'skipped' };
  if (point.ok) return { ...base, status: 'passed' };
  return { ...base, status: 'failed', failure: failureOf(point) };
}

interface Found {
  tests: TestResult[];
  loadErrors: string[];
  /** File placeholders Node counted as tests. */
  placeholders: { passed: number; failed: number };
}

function walk(items: readonly TapItem[], path: readonly string[], file: string | undefined, found: Found): void {
  const { tests, loadErrors, placeholders } = found;
  let since: TapItem[] = [];
  for (const item of items) {
    if (item.kind !== 'point') {
      since.push(item);
      continue;
    }
    const crashText = textOf(since);
    since = [];
    if (path.length === 0 && isFilePoint(item)) {
      placeholders[item.ok ? 'passed' : 'failed']++;
      if (!item.ok) loadErrors.push(`${item.name}: ${findThrownError(crashText)?.line ?? String(item.diag?.error ?? 'failed')}`);
      continue;
    }
    const hasSubtests = pointsOf(item.children ?? []).length > 0;
    if (!hasSubtests) {
      tests.push(resultOf(item, path, file));
      continue;
    }
    // Passing tests print no location: they are in their suite's file.
    walk(item.children ?? [], [...path, item.name], fileOf(item) ?? file, found);
    // A test whose own body failed, besides its subtests.
    const failureType = item.diag?.failureType;
    if (!item.ok && failureType !== 'subtestsFailed') tests.push(resultOf(item, path, file));
  }
}

function count(stdout: string, label: string): number {
  return Number(new RegExp(`^# ${label} (\\d+)$`, 'm').exec(stdout)?.[1] ?? 0);
}

/** `node --test` with the TAP reporter: Node 20's default when stdout is not a terminal. */
export const nodeTestTapAdapter: RunnerAdapter = {
  name: 'node --test (tap)',
  matches: (argv) => runnerOfCommand(argv) === 'node --test',
  parse(stdout, stderr): TestReport | null {
    if (!SIGNATURE.test(stdout)) return null;
    const doc = readTap(stdout);
    if (!doc) return null;
    const found: Found = { tests: [], loadErrors: [], placeholders: { passed: 0, failed: 0 } };
    walk(doc.items, [], undefined, found);
    const { tests, loadErrors, placeholders } = found;
    const missing = noTestFilesLine(stderr);
    if (missing) loadErrors.unshift(missing.line);
    // Node counts a file that crashed or held no tests as a test; these counts do not.
    const counts = { passed: count(stdout, 'pass') - placeholders.passed, failed: count(stdout, 'fail') - placeholders.failed, skipped: count(stdout, 'skipped') + count(stdout, 'todo') };
    return { runner: 'node --test', tests, counts, ...(loadErrors.length ? { loadError: loadErrors.join('\n') } : {}) };
  },
};
