import { stripVTControlCharacters } from 'node:util';
import { reporterOfCommand, runnerOfCommand } from './commandRunner';
import { failureFromText } from './failureKind';
import type { RunnerAdapter } from './runnerAdapter';
import { countsFromSummary } from './summaryCounts';
import type { TestFailure, TestReport, TestResult, TestStatus } from './testReport';

const FILE = /^(PASS|FAIL) (\S+)/;
// Listed only for a single file (jest's verbose default then): "✓ name (3 ms)", "○ skipped name".
const TEST = /^( +)([✓✕○✎]) (?:(?:skipped|todo) )?(.+?)(?: \(\d+(?:\.\d+)? ?m?s\))?$/;
const DETAIL = /^ {2}● (.+)$/;
const SUITE = /^( {2,})(\S.*)$/;
const CODE_FRAME = /^\s*(>\s*)?\d+ \||^\s+\|/;
const SUMMARY = /^Tests: +(.*)$/m;

const STATUS: Record<string, TestStatus> = { '✓': 'passed', '✕': 'failed', '○': 'skipped', '✎': 'skipped' };

/** The message of a "● name" block: up to the code frame or the stack. */
function detailFailure(body: readonly string[]): TestFailure {
  const frameAt = body.findIndex((l) => CODE_FRAME.test(l));
  const kept = frameAt < 0 ? body : body.slice(0, frameAt);
  return failureFromText(kept.map((l) => l.replace(/^ {4}/, '')).join('\n'));
}

interface Read {
  tests: TestResult[];
  details: Map<string, { file?: string; failure: TestFailure }>;
  loadErrors: string[];
}

function read(lines: readonly string[]): Read {
  const out: Read = { tests: [], details: new Map(), loadErrors: [] };
  let file: string | undefined;
  let suites: { indent: number; title: string }[] = [];
  let detail: { name: string; body: string[] } | undefined;
  const closeDetail = (): void => {
    if (!detail) return;
    if (detail.name === 'Test suite failed to run') {
      const first = detail.body.map((l) => l.trim()).find((l) => l.length > 0) ?? 'the test file failed to run';
      out.loadErrors.push(`${file ?? '?'}: ${first}`);
    } else out.details.set(detail.name, { ...(file ? { file } : {}), failure: detailFailure(detail.body) });
    detail = undefined;
  };
  for (const line of lines) {
    let m: RegExpExecArray | null;
    if ((m = FILE.exec(line)) || /^Test Suites:/.test(line)) {
      closeDetail();
      file = m?.[2];
      suites = [];
    } else if ((m = DETAIL.exec(line))) {
      closeDetail();
      detail = { name: m[1], body: [] };
    } else if (detail) detail.body.push(line);
    else if ((m = TEST.exec(line))) {
      const indent = m[1].length;
      suites = suites.filter((s) => s.indent < indent);
      out.tests.push({ name: [...suites.map((s) => s.title), m[3]].join(' › '), ...(file ? { file } : {}), status: STATUS[m[2]] });
    } else if ((m = SUITE.exec(line)) && file) {
      const indent = m[1].length;
      suites = [...suites.filter((s) => s.indent < indent), { indent, title: m[2] }];
    }
  }
  closeDetail();
  return out;
}

function counts(text: string): TestReport['counts'] {
  const m = SUMMARY.exec(text);
  return m ? countsFromSummary(m[1]) : undefined;
}

/** Jest's default text output (on stderr). */
export const jestTextAdapter: RunnerAdapter = {
  name: 'jest (text)',
  matches: (argv) => runnerOfCommand(argv) === 'jest' && reporterOfCommand(argv) !== 'json',
  parse(_stdout, stderr): TestReport | null {
    const text = stripVTControlCharacters(stderr);
    if (!/^(PASS|FAIL) \S/m.test(text) || !SUMMARY.test(text)) return null;
    const { tests, details, loadErrors } = read(text.split('\n'));
    const listed = tests.map((t) => {
      const d = t.status === 'failed' ? details.get(t.name) : undefined;
      return d ? { ...t, failure: d.failure } : t;
    });
    // Over several files jest lists no test lines: the "● name" blocks are the failures.
    const names = new Set(tests.map((t) => t.name));
    for (const [name, d] of details) if (!names.has(name)) listed.push({ name, ...(d.file ? { file: d.file } : {}), status: 'failed', failure: d.failure });
    const c = counts(text);
    return { runner: 'jest', tests: listed, ...(c ? { counts: c } : {}), ...(loadErrors.length ? { loadError: loadErrors.join('\n') } : {}) };
  },
};
