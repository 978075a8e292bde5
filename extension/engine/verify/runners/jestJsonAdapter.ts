import { reporterOfCommand, runnerOfCommand } from './commandRunner';
import { isJestsJson, readJestJson, reportFromJestJson } from './jestJsonResults';
import type { RunnerAdapter } from './runnerAdapter';
import type { TestReport } from './testReport';

/** `jest --json`. */
export const jestJsonAdapter: RunnerAdapter = {
  name: 'jest (json)',
  matches: (argv) => runnerOfCommand(argv) === 'jest' && reporterOfCommand(argv) === 'json',
  parse(stdout): TestReport | null {
    const results = readJestJson(stdout);
    return results && isJestsJson(results) ? reportFromJestJson('jest', results) : null;
  },
};
