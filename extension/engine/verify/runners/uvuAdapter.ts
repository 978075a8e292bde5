import { stripVTControlCharacters } from 'node:util';
import { runnerOfCommand } from './commandRunner';
import { kindOf, withoutStack } from './failureKind';
import { describeMismatch } from './mismatch';
import type { RunnerAdapter } from './runnerAdapter';
import type { TestFailure, TestReport, TestResult } from './testReport';
import { findThrownError } from './thrownError';

// uvu prints a dot per passing test and names only the failures: "   FAIL  suite  "test"" (no
// suite: "   FAIL  "test""), the error's message with the assertion after it ("  (is)"), a diff
// indented by eight spaces, the stack. Then its totals, which count no skipped test in "Total".
const FAIL_HEADER = /^ {3}FAIL {2}(?:(.*?) {2})?"(.*)"$/;
const SUITE_LINE = /^(?: .*? {2})?(?:[•✘] )* {2}\(\d+ \/ \d+\)$/;
const TOTALS = /^ {2}Total: +(\d+)\n {2}Passed: +(\d+)\n {2}Skipped: +(\d+)\n {2}Duration: /m;
const OPERATOR = /^(.*?) {2}\((\w+)\)$/;
// uvu's diff of two plain values: "++2    (Expected)", "--3    (Actual)".
const EXPECTED = /^\+\+(.*?) {4}\(Expected\)$/;
const ACTUAL = /^--(.*?) {4}\(Actual\)$/;
const DETAIL_INDENT = ' '.repeat(8);
// uvu's line when the process ends while tests run (process.exit, an uncaught error, a promise that never settles).
const EXITED_EARLY = /^Exiting early before testing is finished\.$/m;

function failureOf(body: readonly string[]): TestFailure {
  const lines = withoutStack(body.join('\n')).split('\n');
  const detailsAt = lines.findIndex((l) => l.startsWith(DETAIL_INDENT));
  const messageEnd = detailsAt < 0 ? lines.length : detailsAt;
  let detailsEnd = messageEnd;
  while (detailsEnd < lines.length && (lines[detailsEnd].startsWith(DETAIL_INDENT) || lines[detailsEnd].trim() === '')) detailsEnd++;
  // The diff, without the "^^^" line uvu puts under two strings.
  const details = lines
    .slice(messageEnd, detailsEnd)
    .map((l) => l.slice(DETAIL_INDENT.length).trimEnd())
    .filter((l) => !/^[\s^]*$/.test(l));
  const messageLines = lines
    .slice(0, messageEnd)
    .map((l) => l.replace(/^ {4}/, '').trimEnd())
    .filter((l) => l.length > 0);
  const last = messageLines.length - 1;
  const operator = OPERATOR.exec(messageLines[last] ?? '');
  // The operator stands on a line of its own when the message ends with a newline (node:assert's do).
  if (operator) messageLines[last] = operator[1];
  const message = messageLines.filter((l) => l.length > 0).join('\n');
  // uvu prints no error class: an assertion is what names its operator or shows a diff.
  if (!operator && details.length === 0) return { kind: kindOf(undefined, message), message };
  const expected = details.length === 2 ? EXPECTED.exec(details[0]) : null;
  const actual = details.length === 2 ? ACTUAL.exec(details[1]) : null;
  // uvu shows spaces in the values as "·".
  const mismatch = expected && actual ? describeMismatch(expected[1].replace(/·/g, ' '), actual[1].replace(/·/g, ' ')) : undefined;
  const text = mismatch ? `${message}${message.endsWith(':') ? ' ' : ': '}${mismatch}` : [message, ...details].join('\n');
  return { kind: 'assertion', message: text, ...(operator ? { errorName: `uvu ${operator[2]}` } : {}) };
}

function readFailures(lines: readonly string[]): TestResult[] {
  const tests: TestResult[] = [];
  lines.forEach((line, i) => {
    const m = FAIL_HEADER.exec(line);
    if (!m) return;
    const end = lines.findIndex((l, j) => j > i && (FAIL_HEADER.test(l) || SUITE_LINE.test(l) || /^ {2}Total: /.test(l)));
    const name = m[1] ? `${m[1]} › ${m[2]}` : m[2];
    tests.push({ name, status: 'failed', failure: failureOf(lines.slice(i + 1, end < 0 ? lines.length : end)) });
  });
  return tests;
}

/** uvu's only reporter: the failing tests by name, the others counted. */
export const uvuAdapter: RunnerAdapter = {
  name: 'uvu',
  matches: (argv) => runnerOfCommand(argv) === 'uvu',
  parse(stdout, stderr): TestReport | null {
    const text = stripVTControlCharacters(stdout);
    const totals = TOTALS.exec(text);
    const exitedEarly = EXITED_EARLY.test(stderr);
    if (!totals && !exitedEarly) return null;
    const tests = readFailures(text.split('\n'));
    const counts = totals ? { passed: Number(totals[2]), failed: Number(totals[1]) - Number(totals[2]), skipped: Number(totals[3]) } : undefined;
    const loadError = exitedEarly ? (findThrownError(stderr)?.line ?? 'Exiting early before testing is finished.') : undefined;
    return { runner: 'uvu', tests, ...(counts ? { counts } : {}), ...(loadError ? { loadError } : {}) };
  },
};
