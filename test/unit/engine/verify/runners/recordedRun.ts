import fs from 'node:fs';
import path from 'node:path';
import { parseTestReport } from '../../../../../extension/engine/verify/runners/parseTestReport';
import type { TestReport } from '../../../../../extension/engine/verify/runners/testReport';

const ROOT = path.join(__dirname, '../../../../fixtures/runnerOutput');

/** One recorded run of a real runner (see test/fixtures/runnerOutput/README.md). */
export interface RecordedRun {
  argv: string[];
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

export function recordedRun(runner: string, name: string): RecordedRun {
  const dir = path.join(ROOT, runner);
  const read = (ext: string): string => {
    const file = path.join(dir, `${name}.${ext}`);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  };
  const meta = JSON.parse(read('json')) as { argv: string[]; exitCode: number | null };
  return { argv: meta.argv, stdout: read('stdout'), stderr: read('stderr'), exitCode: meta.exitCode };
}

/** parseTestReport on a recording; fails the test when nothing recognises it. */
export function reportOf(runner: string, name: string, argv?: string[]): TestReport {
  const run = recordedRun(runner, name);
  const report = parseTestReport(argv ?? run.argv, run.stdout, run.stderr, run.exitCode);
  if (!report) throw new Error(`no adapter recognised ${runner}/${name}`);
  return report;
}

/** "passed math › adds" lines: names and statuses in one comparable list. */
export function outcomes(report: TestReport): string[] {
  return report.tests.map((t) => `${t.status} ${t.name}`);
}

/** The one failed test's failure. */
export function onlyFailure(report: TestReport): NonNullable<TestReport['tests'][number]['failure']> {
  const failed = report.tests.filter((t) => t.status === 'failed');
  if (failed.length !== 1 || !failed[0].failure) throw new Error(`expected one failed test with a failure, got ${JSON.stringify(report.tests)}`);
  return failed[0].failure;
}
