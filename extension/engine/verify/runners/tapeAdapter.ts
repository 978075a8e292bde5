import { runnerOfCommand } from './commandRunner';
import { kindOf } from './failureKind';
import { describeMismatch } from './mismatch';
import type { RunnerAdapter } from './runnerAdapter';
import { readTap, type TapItem, type TapPoint } from './tapDocument';
import type { TestFailure, TestReport, TestResult } from './testReport';
import { findThrownError } from './thrownError';

// tape's closing comments: "# tests 2", "# pass  1", "# fail  1", "# ok".
const SUMMARY = /^(tests|pass|fail|todo|skip) +\d+$|^ok$/;

interface Group {
  name: string;
  points: TapPoint[];
  skipped?: boolean;
}

/** tape prints each test as a "# name" comment followed by its assertions, all at one level. */
function groupsOf(items: readonly TapItem[]): Group[] {
  const groups: Group[] = [];
  let current: Group | undefined;
  for (const item of items) {
    if (item.kind === 'comment') {
      if (SUMMARY.test(item.text)) continue;
      const skip = /^SKIP (.+)$/.exec(item.text);
      if (skip) {
        groups.push({ name: skip[1], points: [], skipped: true });
        current = undefined;
      } else {
        current = { name: item.text, points: [] };
        groups.push(current);
      }
    } else if (item.kind === 'point') {
      if (current) current.points.push(item);
      else groups.push({ name: item.name, points: [item] });
    }
  }
  return groups;
}

function failureOf(point: TapPoint): TestFailure {
  const diag = point.diag ?? {};
  // t.error(err) and a rejected async test report operator "error": the test threw, nothing was compared.
  if (diag.operator === 'error') return { kind: 'error', message: point.name };
  const values = 'expected' in diag || 'actual' in diag ? `: ${describeMismatch(diag.expected, diag.actual)}` : '';
  return { kind: 'assertion', message: `${point.name}${values}`, ...(typeof diag.operator === 'string' ? { errorName: `tape ${diag.operator}` } : {}) };
}

function resultOf(group: Group, crashed: TestFailure | undefined): TestResult | undefined {
  if (group.skipped) return { name: group.name, status: 'skipped' };
  const failed = group.points.find((p) => !p.ok && !p.todo);
  if (failed) return { name: group.name, status: 'failed', failure: failureOf(failed) };
  if (group.points.length === 0) return crashed ? { name: group.name, status: 'failed', failure: crashed } : undefined;
  if (group.points.every((p) => p.skip || p.todo)) return { name: group.name, status: 'skipped' };
  return { name: group.name, status: 'passed' };
}

/** tape's TAP (and any flat TAP: assertions at one level, grouped under "# name" comments). */
export const tapeAdapter: RunnerAdapter = {
  name: 'tape',
  matches: (argv) => runnerOfCommand(argv) === 'tape',
  parse(stdout, stderr, exitCode): TestReport | null {
    const doc = readTap(stdout);
    if (!doc || doc.items.some((i) => i.kind === 'point' && i.children)) return null;
    // A test that throws kills the process: its heading is the last thing on stdout, the error on stderr.
    const thrown = exitCode !== 0 ? findThrownError(stderr) : undefined;
    const crashed: TestFailure | undefined = thrown ? { kind: kindOf(thrown.errorName, thrown.message), message: thrown.message, ...(thrown.errorName ? { errorName: thrown.errorName } : {}) } : undefined;
    const groups = groupsOf(doc.items);
    const tests = groups
      .map((g, i) => resultOf(g, i === groups.length - 1 ? crashed : undefined))
      .filter((t): t is TestResult => t !== undefined);
    const loadError = tests.length === 0 && thrown ? thrown.line : undefined;
    return { runner: 'tape', tests, ...(loadError ? { loadError } : {}) };
  },
};
