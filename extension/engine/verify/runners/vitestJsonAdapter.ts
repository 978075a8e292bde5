import { reporterOfCommand, runnerOfCommand } from './commandRunner';
import { isJestsJson, readJestJson, reportFromJestJson } from './jestJsonResults';
import type { RunnerAdapter } from './runnerAdapter';
import type { TestReport } from './testReport';

/** `vitest run --reporter=json`: jest's JSON shape. */
export const vitestJsonAdapter: RunnerAdapter = {
  name: 'vitest (json)',
  matches: (argv) => runnerOfCommand(argv) === 'vitest' && reporterOfCommand(argv) === 'json',
  parse(stdout): TestReport | null {
    const results = readJestJson(stdout);
    return results && !isJestsJson(results) ? reportFromJestJson('vitest', results) : null;
  },
};
