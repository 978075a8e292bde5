import { avaTapAdapter } from './avaTapAdapter';
import { avaTextAdapter } from './avaTextAdapter';
import { runnerOfCommand } from './commandRunner';
import { crashReport } from './crashReport';
import { jestJsonAdapter } from './jestJsonAdapter';
import { jestTextAdapter } from './jestTextAdapter';
import { mochaJsonAdapter } from './mochaJsonAdapter';
import { mochaSpecAdapter } from './mochaSpecAdapter';
import { nodeTapAdapter } from './nodeTapAdapter';
import { nodeTestSpecAdapter } from './nodeTestSpecAdapter';
import { nodeTestTapAdapter } from './nodeTestTapAdapter';
import type { RunnerAdapter } from './runnerAdapter';
import { tapeAdapter } from './tapeAdapter';
import type { TestReport } from './testReport';
import { uvuAdapter } from './uvuAdapter';
import { vitestJsonAdapter } from './vitestJsonAdapter';
import { vitestTextAdapter } from './vitestTextAdapter';

/**
 * Every adapter, the most particular formats first: when the command does not say which runner
 * ran (`npm test`), the first one that recognises the output wins.
 */
export const runnerAdapters: readonly RunnerAdapter[] = [
  mochaJsonAdapter,
  jestJsonAdapter,
  vitestJsonAdapter,
  nodeTestTapAdapter,
  nodeTestSpecAdapter,
  nodeTapAdapter,
  avaTapAdapter,
  tapeAdapter,
  mochaSpecAdapter,
  jestTextAdapter,
  vitestTextAdapter,
  avaTextAdapter,
  uvuAdapter,
];

/**
 * What the runner said about a run: the adapters the command names first, then any adapter that
 * recognises the output, then a bare crash or "no test files" report. Null when nothing does.
 */
export function parseTestReport(argv: readonly string[], stdout: string, stderr: string, exitCode: number | null): TestReport | null {
  const named = runnerAdapters.filter((a) => a.matches(argv));
  for (const adapter of [...named, ...runnerAdapters.filter((a) => !named.includes(a))]) {
    const report = adapter.parse(stdout, stderr, exitCode);
    if (report) return report;
  }
  return crashReport(runnerOfCommand(argv), stdout, stderr, exitCode);
}
