import { stripVTControlCharacters } from 'node:util';
import { reporterOfCommand, runnerOfCommand } from './commandRunner';
import { crashReport } from './crashReport';
import { failureFromText } from './failureKind';
import type { RunnerAdapter } from './runnerAdapter';
import type { TestFailure, TestReport, TestResult } from './testReport';

const SUMMARY = /^ {2}(\d+) passing \(/;
const PASS = /^( *)[✔✓] (.+?)(?: \(\d+ms\))?$/;
const FAIL = /^( *)(\d+)\) (.+)$/;
const PENDING = /^( *)- (.+)$/;
const SUITE = /^( {2,})(\S.*)$/;

interface Listed {
  test: TestResult;
  number?: number;
}

/** The list before the summary: suites by indentation, tests marked ✔, "N)" or "-". */
function readList(lines: readonly string[]): Listed[] {
  const listed: Listed[] = [];
  const suites: { indent: number; title: string }[] = [];
  const under = (indent: number): string[] => {
    while (suites.length && suites[suites.length - 1].indent >= indent) suites.pop();
    return suites.map((s) => s.title);
  };
  for (const line of lines) {
    let m: RegExpExecArray | null;
    if ((m = PASS.exec(line))) listed.push({ test: { name: [...under(m[1].length), m[2]].join(' › '), status: 'passed' } });
    else if ((m = FAIL.exec(line))) listed.push({ number: Number(m[2]), test: { name: [...under(m[1].length), m[3]].join(' › '), status: 'failed' } });
    else if ((m = PENDING.exec(line))) listed.push({ test: { name: [...under(m[1].length), m[2]].join(' › '), status: 'skipped' } });
    else if ((m = SUITE.exec(line))) {
      under(m[1].length);
      suites.push({ indent: m[1].length, title: m[2] });
    }
  }
  return listed;
}

/** The numbered failure details after "N failing": "  1) suite\n       test:\n     Error: ...", with the title path they name. */
function readFailures(lines: readonly string[]): Map<number, TestFailure & { title: string }> {
  const failures = new Map<number, TestFailure & { title: string }>();
  const starts = lines.flatMap((l, i) => (/^ {2}\d+\) /.test(l) ? [i] : []));
  starts.forEach((start, k) => {
    const block = lines.slice(start, starts[k + 1] ?? lines.length);
    const titleEnd = block.findIndex((l) => l.trimEnd().endsWith(':'));
    let body = block.slice(titleEnd + 1);
    // Mocha's own "+ expected - actual" diff repeats what the message says.
    const diffAt = body.findIndex((l) => /^\s*\+ expected - actual\s*$/.test(l));
    if (diffAt >= 0) body = body.slice(0, diffAt);
    const dedented = body.map((l) => l.replace(/^ {5,6}/, '')).join('\n');
    const title = block
      .slice(0, titleEnd + 1)
      .map((l, i) => (i === 0 ? l.replace(/^ {2}\d+\) /, '') : l).trim().replace(/:$/, ''))
      .filter(Boolean)
      .join(' › ');
    failures.set(Number(/^ {2}(\d+)\)/.exec(block[0])?.[1]), { ...failureFromText(dedented), title });
  });
  return failures;
}

/** Mocha's default spec reporter (and the failures and counts of the others that share its epilogue: dot, min, progress). */
export const mochaSpecAdapter: RunnerAdapter = {
  name: 'mocha (spec)',
  matches: (argv) => runnerOfCommand(argv) === 'mocha' && (reporterOfCommand(argv) ?? 'spec') === 'spec',
  parse(stdout, stderr, exitCode): TestReport | null {
    const lines = stripVTControlCharacters(stdout).split('\n');
    const summaryAt = lines.findIndex((l) => SUMMARY.test(l));
    if (summaryAt < 0) {
      return /Exception during run:|^Error: No test files found/m.test(stderr) ? crashReport('mocha', stdout, stderr, exitCode) : null;
    }
    const listed = readList(lines.slice(0, summaryAt));
    const failures = readFailures(lines.slice(summaryAt));
    const tests = listed.map(({ test, number }) => {
      const found = number !== undefined ? failures.get(number) : undefined;
      if (!found) return test;
      const { title: _title, ...failure } = found;
      return { ...test, failure };
    });
    // Reporters that list no tests (dot, min, progress) still print the numbered failures with their titles.
    const numbered = new Set(listed.flatMap((l) => (l.number !== undefined ? [l.number] : [])));
    for (const [number, { title, ...failure }] of failures) {
      if (!numbered.has(number) && title) tests.push({ name: title, status: 'failed', failure });
    }
    const tail = lines.slice(summaryAt, summaryAt + 4).join('\n');
    const n = (label: string): number => Number(new RegExp(`^ {2}(\\d+) ${label}`, 'm').exec(tail)?.[1] ?? 0);
    return { runner: 'mocha', tests, counts: { passed: n('passing'), failed: n('failing'), skipped: n('pending') } };
  },
};
