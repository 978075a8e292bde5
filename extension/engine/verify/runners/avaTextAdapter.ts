import { stripVTControlCharacters } from 'node:util';
import { avaFailure } from './avaFailure';
import { asksForTap } from './avaTapAdapter';
import { runnerOfCommand } from './commandRunner';
import type { RunnerAdapter } from './runnerAdapter';
import type { TestReport, TestResult } from './testReport';
import { findThrownError } from './thrownError';

// ava's default reporter (on stdout, every line indented by two spaces): one line per test as it
// ends, a rule, the failures in detail, a rule, the totals. What the tests print goes to stderr.
const PASSED = /^✔ (?:\[expected fail\] )?(.+?)(?: \((?:\d+(?:\.\d+)?(?:ms|s|m|h|d) ?)+\))?$/;
const FAILED = /^✘ \[(?:fail|unexpected pass)\]: (.+)$/;
const SKIPPED = /^- \[(?:skip|todo)\] (.+)$/;
// Tests still running when ava timed out, listed after "✘ Timed out while running tests".
const PENDING = /^◌ (.+)$/;
const RULE = /^─$/;
const UNCAUGHT = /^(?:Uncaught exception|Unhandled rejection) in (.+)$/;
// A file that crashed or stopped early: what it had not run did not run.
const FILE_EXITED = /^✘ (.+?) exited (?:with a non-zero exit code: \d+|due to .+)$/;
const REMAINING = /^✘ \d+ tests? remaining in (.+)$/;
// Nothing ran at all: no tests in a file, no files, a file that called process.exit().
const LOAD_ERROR = /^✘ (No tests found in .+|Couldn’t find any files to test|Based on your configuration, .+ found, but did not match the filters:|Exiting due to process\.exit\(\) when running .+|Internal error.*)$/;
const TIMED_OUT = /^✘ Timed out while running tests$/;
// `--match` matched no title: nothing ran, and nothing is broken.
const NO_MATCH = /^✘ Couldn’t find any matching tests$/;
// The start of the next thing ava lists after an uncaught exception's details.
const NEXT_ENTRY = /^(?:[✔✘◌] |- \[|Uncaught exception in |Unhandled rejection in )/;
const TOTALS = /^\d+ (?:tests? (?:passed|failed|skipped|todo)|known failures?|uncaught exceptions?|unhandled rejections?|hooks? failed)$/;
// The source reference and code excerpt ava prints above an error: "ava/fail.test.js:9", "  9: t.is(...)".
const SOURCE = /^\S+:\d+$/;
const EXCERPT = /^\s*\d+: /;
const STACK_START = /^(?:[A-Z][\w$]*(?:Error|Exception)|Error)(?: \[\w+\])?: /;

/** The text under a failure's title: source and excerpt, "›" stack lines and a raw stack left out. */
function errorText(body: readonly string[]): string {
  let lines = [...body];
  const sourceAt = lines.findIndex((l) => l.trim().length > 0);
  if (sourceAt >= 0 && SOURCE.test(lines[sourceAt])) {
    let end = sourceAt + 1;
    while (end < lines.length && (lines[end].trim() === '' || EXCERPT.test(lines[end]))) end++;
    lines = lines.slice(end);
  }
  lines = lines.filter((l) => !l.startsWith('› '));
  // A raw stack starts at its "Name: message" line, the last one before the first "at" line.
  const atAt = lines.findIndex((l) => /^\s+at\s/.test(l));
  if (atAt >= 0) {
    let start = atAt;
    for (let i = atAt - 1; i >= 0; i--) {
      if (STACK_START.test(lines[i])) {
        start = i;
        break;
      }
    }
    lines = lines.slice(0, start);
  }
  return lines.join('\n').trim();
}

interface Failed {
  /** What follows "✘ [fail]: ": the title and the error's message. */
  line: string;
  test: TestResult;
}

/** Splits the failure details into one block per failed test, in the order the tests were listed. */
function readDetails(lines: readonly string[], failed: readonly Failed[]): void {
  let k = 0;
  let current: { failed: Failed; body: string[] } | undefined;
  const close = (): void => {
    if (!current) return;
    const { failed: f, body } = current;
    const title = f.test.name;
    const message = f.line.length > title.length ? f.line.slice(title.length + 1) : '';
    const text = errorText(body);
    // A native error (ava did not wrap it) is printed as "Error: message" first.
    const native = STACK_START.exec(text.split('\n')[0]);
    const errorName = native && text.split('\n')[0].slice(native[0].length) === message ? native[0].replace(/(?: \[\w+\])?: $/, '') : undefined;
    // ava leaves the message out when its first detail's label repeats it ("Assertion failed: ").
    const printed = message !== '' && (text === message || text.startsWith(`${message}\n`));
    const details = errorName ? '' : printed ? text.slice(message.length).trim() : text;
    f.test.failure = avaFailure(message, errorName, details);
    current = undefined;
  };
  lines.forEach((line, i) => {
    const next = failed[k];
    const startsBlock = next && line !== '' && (i === 0 || lines[i - 1] === '') && (next.line === line || next.line.startsWith(`${line} `));
    if (startsBlock) {
      close();
      next.test.name = line;
      current = { failed: next, body: [] };
      k++;
    } else current?.body.push(line);
  });
  close();
}

/** Reads the lines before the first rule: the tests, and the files that crashed. */
function readList(lines: readonly string[], loadErrors: Map<string, string>): { tests: TestResult[]; failed: Failed[] } {
  const tests: TestResult[] = [];
  const failed: Failed[] = [];
  let timedOut = false;
  lines.forEach((line, i) => {
    let m: RegExpExecArray | null;
    if ((m = FAILED.exec(line))) {
      // The title and the message are one line here; the details name the title alone.
      const test: TestResult = { name: m[1], status: 'failed' };
      tests.push(test);
      failed.push({ line: m[1], test });
    } else if ((m = SKIPPED.exec(line))) tests.push({ name: m[1], status: 'skipped' });
    else if ((m = PASSED.exec(line))) tests.push({ name: m[1], status: 'passed' });
    else if (TIMED_OUT.test(line)) timedOut = true;
    else if ((m = PENDING.exec(line)) && timedOut) tests.push({ name: m[1], status: 'failed', failure: { kind: 'error', message: 'Timed out while running tests' } });
    else if ((m = UNCAUGHT.exec(line))) {
      const end = lines.findIndex((l, j) => j > i && NEXT_ENTRY.test(l));
      const thrown = findThrownError(lines.slice(i + 1, end < 0 ? lines.length : end).join('\n'));
      if (!loadErrors.has(m[1])) loadErrors.set(m[1], `${m[1]}: ${thrown?.line ?? line}`);
    } else if ((m = FILE_EXITED.exec(line) ?? REMAINING.exec(line))) {
      // After an uncaught exception in the same file, the exception says more.
      if (!loadErrors.has(m[1])) loadErrors.set(m[1], line.slice(2));
    } else if ((m = LOAD_ERROR.exec(line))) {
      const patterns = lines.slice(i + 1).filter((l) => l.startsWith('* ')).map((l) => l.slice(2));
      loadErrors.set(m[1], patterns.length > 0 && m[1].endsWith(':') ? `${m[1]} ${patterns.join(', ')}` : m[1]);
    }
  });
  return { tests, failed };
}

function isAvaOutput(lines: readonly string[]): boolean {
  return lines.some((l) => FAILED.test(l) || TOTALS.test(l) || UNCAUGHT.test(l) || FILE_EXITED.test(l) || LOAD_ERROR.test(l) || NO_MATCH.test(l));
}

/** ava's default reporter (there is one since ava 4; CI=1 does not change it). */
export const avaTextAdapter: RunnerAdapter = {
  name: 'ava',
  matches: (argv) => runnerOfCommand(argv) === 'ava' && !asksForTap(argv),
  parse(stdout): TestReport | null {
    // ava indents all it prints; other lines (npm's header) are left out.
    const lines = stripVTControlCharacters(stdout)
      .split('\n')
      .map((l) => (l.startsWith('  ') ? l.slice(2) : ''));
    if (!isAvaOutput(lines)) return null;
    const rules = lines.flatMap((l, i) => (RULE.test(l) ? [i] : []));
    const loadErrors = new Map<string, string>();
    const { tests, failed } = readList(rules.length > 0 ? lines.slice(0, rules[0]) : lines, loadErrors);
    if (failed.length > 0 && rules.length > 1) readDetails(lines.slice(rules[0] + 1, rules[1]), failed);
    for (const f of failed) f.test.failure ??= avaFailure(f.line, undefined, '');
    const loadError = [...loadErrors.values()].join('\n');
    return { runner: 'ava', tests, ...(loadError ? { loadError } : {}) };
  },
};
