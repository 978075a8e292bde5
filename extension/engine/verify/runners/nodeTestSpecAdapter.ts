import { stripVTControlCharacters } from 'node:util';
import { runnerOfCommand } from './commandRunner';
import { failureFromText } from './failureKind';
import { looksLikeFilePath } from './filePath';
import { noTestFilesLine } from './noTestFiles';
import type { RunnerAdapter } from './runnerAdapter';
import type { TestReport, TestResult } from './testReport';
import { findThrownError } from './thrownError';

const SUMMARY = /^ℹ tests \d+$/m;
const SUITE = /^( *)▶ (.+)$/;
const RESULT = /^( *)([✔✖﹣]) (.+?)(?: \([\d.]+m?s\))?( # (?:SKIP|TODO)\b.*)?$/;

const indentOf = (line: string): number => /^ */.exec(line)?.[0].length ?? 0;


/** `node --test --test-reporter=spec` (Node 20's default on a terminal). */
export const nodeTestSpecAdapter: RunnerAdapter = {
  name: 'node --test (spec)',
  matches: (argv) => runnerOfCommand(argv) === 'node --test',
  parse(stdout, stderr): TestReport | null {
    const text = stripVTControlCharacters(stdout);
    if (!SUMMARY.test(text)) return null;
    const lines = text.split('\n');
    const end = lines.findIndex((l) => SUMMARY.test(l));
    const tests: TestResult[] = [];
    const loadErrors: string[] = [];
    // File placeholders Node counted as tests (a file that crashed or held no tests).
    const placeholders = { passed: 0, failed: 0 };
    const suites: { indent: number; title: string }[] = [];
    for (let i = 0; i < end; i++) {
      const line = lines[i];
      let m: RegExpExecArray | null;
      if ((m = SUITE.exec(line))) {
        suites.push({ indent: m[1].length, title: m[2] });
        continue;
      }
      if (!(m = RESULT.exec(line))) continue;
      const indent = m[1].length;
      const title = m[3];
      const top = suites[suites.length - 1];
      if (top && top.indent === indent && top.title === title) {
        suites.pop(); // the suite's own closing line
        continue;
      }
      while (suites.length && suites[suites.length - 1].indent >= indent) suites.pop();
      // The error lines under a failed result are indented deeper.
      let j = i + 1;
      while (j < end && (lines[j].trim() === '' || indentOf(lines[j]) > indent)) j++;
      const body = lines.slice(i + 1, j).map((l) => l.slice(indent + 2)).join('\n');
      if (indent === 0 && suites.length === 0 && looksLikeFilePath(title)) {
        placeholders[m[2] === '✖' ? 'failed' : 'passed']++;
        if (m[2] === '✖') loadErrors.push(`${title}: ${findThrownError(lines.slice(0, i).join('\n'))?.line ?? body.trim()}`);
        i = j - 1;
        continue;
      }
      const name = [...suites.map((s) => s.title), title].join(' › ');
      if (m[2] === '﹣' || m[4]) tests.push({ name, status: 'skipped' });
      else if (m[2] === '✔') tests.push({ name, status: 'passed' });
      else tests.push({ name, status: 'failed', failure: failureFromText(body) });
      i = j - 1;
    }
    const missing = noTestFilesLine(stderr);
    if (missing) loadErrors.unshift(missing.line);
    const tail = lines.slice(end).join('\n');
    const n = (label: string): number => Number(new RegExp(`^ℹ ${label} (\\d+)$`, 'm').exec(tail)?.[1] ?? 0);
    const counts = { passed: n('pass') - placeholders.passed, failed: n('fail') - placeholders.failed, skipped: n('skipped') + n('todo') };
    return { runner: 'node --test', tests, counts, ...(loadErrors.length ? { loadError: loadErrors.join('\n') } : {}) };
  },
};
