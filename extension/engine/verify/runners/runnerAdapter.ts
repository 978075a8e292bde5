import type { TestReport } from './testReport';

/** One test runner's output format: adding a runner is adding one of these. */
export interface RunnerAdapter {
  /** Which runner (and reporter) this reads, e.g. "mocha (json)". */
  name: string;
  /** The command runs this runner with this reporter (a hint: configs can change reporters). */
  matches(argv: readonly string[]): boolean;
  /** The report, or null when the output is not this format. */
  parse(stdout: string, stderr: string, exitCode: number | null): TestReport | null;
}
