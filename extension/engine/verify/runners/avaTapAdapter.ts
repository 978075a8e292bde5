import { avaFailure } from './avaFailure';
import { runnerOfCommand } from './commandRunner';
import type { RunnerAdapter } from './runnerAdapter';
import { pointsOf, readTap, type TapPoint } from './tapDocument';
import type { TestReport, TestResult } from './testReport';

// ava's TAP (supertap) ends with the plan and single-spaced totals; tape puts two spaces after
// "# pass" and "# fail", and mocha's TAP prints its plan first.
const ENDING = /^1\.\.\d+\n# tests \d+\n# pass \d+\n(?:# skip \d+\n)?# fail \d+\s*$/m;
// Points ava adds for a file that crashed or held no tests.
const FILE_CRASH = /^No tests found in |^.+ exited (?:with a non-zero exit code: \d+|due to \S+)$/;

/** ava titles an uncaught exception by the error itself: "Error: Cannot find module '...'". */
function isCrash(point: TapPoint): boolean {
  if (point.ok || point.todo) return false;
  const name = point.diag?.name;
  return FILE_CRASH.test(point.name) || (typeof name === 'string' && point.name.startsWith(`${name}: `));
}

function detailsOf(diag: Record<string, unknown>): string {
  const details = diag.details;
  if (typeof details !== 'object' || details === null) return '';
  return Object.entries(details)
    .map(([label, formatted]) => `${label.trim()}\n\n${String(formatted)}`)
    .join('\n\n');
}

function resultOf(point: TapPoint): TestResult {
  if (point.skip || point.todo) return { name: point.name, status: 'skipped' };
  if (point.ok) return { name: point.name, status: 'passed' };
  const diag = point.diag ?? {};
  const message = typeof diag.message === 'string' ? diag.message : '';
  const errorName = typeof diag.name === 'string' ? diag.name : undefined;
  return { name: point.name, status: 'failed', failure: avaFailure(message, errorName, detailsOf(diag)) };
}

/** The command asks ava for TAP: `ava --tap`, `ava -t`. */
export function asksForTap(argv: readonly string[]): boolean {
  return argv.some((a) => /(^|\s)(--tap|-t)(\s|$)/.test(a));
}

/** `ava --tap` (or `tap: true` in ava's config): one flat point per test. */
export const avaTapAdapter: RunnerAdapter = {
  name: 'ava (tap)',
  matches: (argv) => runnerOfCommand(argv) === 'ava' && asksForTap(argv),
  parse(stdout): TestReport | null {
    if (!/^TAP version 13$/m.test(stdout) || !ENDING.test(stdout)) return null;
    const doc = readTap(stdout);
    if (!doc || doc.items.some((i) => i.kind === 'point' && i.children)) return null;
    const points = pointsOf(doc.items);
    const tests = points.filter((p) => !isCrash(p)).map(resultOf);
    const loadError = points
      .filter(isCrash)
      .map((p) => p.name)
      .join('\n');
    return { runner: 'ava', tests, ...(loadError ? { loadError } : {}) };
  },
};
