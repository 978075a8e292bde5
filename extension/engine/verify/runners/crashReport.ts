import { noTestFilesLine } from './noTestFiles';
import type { TestReport } from './testReport';
import { findThrownError } from './thrownError';
import { runnerMissingLine } from './runnerMissing';

/**
 * A report for a run that died before its runner printed any results: "no test files found", a
 * runner that is not installed (npx offline, `sh: mocha: not found`), or an uncaught error (a
 * top-level `require` of a missing module). Null when none is there.
 * The runner is the one the command named, else the one whose "no test files" line this is.
 */
export function crashReport(runner: string | undefined, stdout: string, stderr: string, exitCode: number | null): TestReport | null {
  const noFiles = noTestFilesLine(stderr) ?? noTestFilesLine(stdout);
  if (noFiles) return { runner: runner ?? noFiles.runner, tests: [], loadError: noFiles.line };
  if (exitCode === 0) return null;
  const missing = runnerMissingLine(stdout, stderr, exitCode);
  if (missing) return { runner: runner ?? 'unknown', tests: [], loadError: `the test runner could not start: ${missing}` };
  const thrown = findThrownError(stderr) ?? findThrownError(stdout);
  return thrown ? { runner: runner ?? 'unknown', tests: [], loadError: thrown.line } : null;
}
