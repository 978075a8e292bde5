import { stripVTControlCharacters } from 'node:util';
import { reporterOfCommand, runnerOfCommand } from './commandRunner';
import { failureFromText } from './failureKind';
import type { RunnerAdapter } from './runnerAdapter';
import { countsFromSummary } from './summaryCounts';
import type { TestFailure, TestReport, TestResult, TestStatus } from './testReport';

const MARKS: Record<string, TestStatus> = { '✓': 'passed', '×': 'failed', '↓': 'skipped' };
const TIME = /(?: \d+(?:\.\d+)?m?s)?$/;
// default reporter: " ❯ file (2 tests | 1 failed) 9ms", then the failed file's tests, titles only.
const FILE_LINE = /^ [✓❯×↓] (\S+) \(\d+ tests?\b/;
const TITLE_LINE = /^ {4,}([✓×↓]) (.+)$/;
// verbose reporter: " × file > suite > test 5ms", then "   → message".
const PATH_LINE = /^ ([✓×↓]) (\S+) > (.+)$/;
const SHORT_MESSAGE = /^ {3}→ (.+)$/;
// the failure details on stderr: " FAIL  file > suite > test" or " FAIL  file [ file ]" (a file that did not load).
const FAIL_HEADER = /^ FAIL {2}(.+)$/;
const SUMMARY = /^\s+Tests {2}(.+)$/m;

const split = (path: string): string[] => path.split(' > ').map((s) => s.trim());

interface Detail {
  file: string;
  name: string;
  failure: TestFailure;
}

function readDetails(lines: readonly string[], loadErrors: string[]): Detail[] {
  const details: Detail[] = [];
  lines.forEach((line, i) => {
    const m = FAIL_HEADER.exec(line);
    if (!m) return;
    const end = lines.findIndex((l, j) => j > i && (/^ ❯ |^⎯|^ FAIL /.test(l)));
    const body = lines.slice(i + 1, end < 0 ? lines.length : end).join('\n');
    const fileOnly = /^(\S+) \[ .+ \]$/.exec(m[1]);
    if (fileOnly) {
      loadErrors.push(`${fileOnly[1]}: ${body.split('\n').find((l) => l.trim().length > 0)?.trim() ?? 'failed to load'}`);
      return;
    }
    const [file, ...path] = split(m[1]);
    details.push({ file, name: path.join(' › '), failure: failureFromText(body) });
  });
  return details;
}

function counts(text: string): TestReport['counts'] {
  const m = SUMMARY.exec(text);
  return m ? countsFromSummary(m[1]) : undefined;
}

/** Vitest's default and verbose text reporters (results on stdout, failure details on stderr). */
export const vitestTextAdapter: RunnerAdapter = {
  name: 'vitest (text)',
  matches: (argv) => runnerOfCommand(argv) === 'vitest' && reporterOfCommand(argv) !== 'json',
  parse(stdout, stderr): TestReport | null {
    const out = stripVTControlCharacters(stdout).split('\n');
    const err = stripVTControlCharacters(stderr).split('\n');
    if (!out.some((l) => /^ RUN {2}v\d/.test(l)) || !SUMMARY.test(out.join('\n'))) return null;
    const loadErrors: string[] = [];
    const details = readDetails([...err, ...out], loadErrors);
    const tests: TestResult[] = details.map((d) => ({ name: d.name, file: d.file, status: 'failed', failure: d.failure }));
    const known = (file: string, name: string): TestResult | undefined =>
      tests.find((t) => t.file === file && (t.name === name || t.name.endsWith(` › ${name}`)));
    let file: string | undefined;
    for (const line of out) {
      let m: RegExpExecArray | null;
      if ((m = FILE_LINE.exec(line))) file = m[1];
      else if ((m = PATH_LINE.exec(line))) {
        const [f, ...path] = split(`${m[2]} > ${m[3].replace(TIME, '')}`);
        if (!known(f, path.join(' › '))) tests.push({ name: path.join(' › '), file: f, status: MARKS[m[1]] });
        file = f;
      } else if ((m = SHORT_MESSAGE.exec(line))) {
        const last = tests[tests.length - 1];
        if (last?.status === 'failed' && !last.failure) last.failure = failureFromText(m[1]);
      } else if ((m = TITLE_LINE.exec(line)) && file) {
        // Titles only: a failed one is already known, with its suites, from the details.
        const name = m[2].replace(TIME, '');
        if (!known(file, name)) tests.push({ name, file, status: MARKS[m[1]] });
      }
    }
    const c = counts(out.join('\n'));
    return { runner: 'vitest', tests, ...(c ? { counts: c } : {}), ...(loadErrors.length ? { loadError: loadErrors.join('\n') } : {}) };
  },
};
