import type { RunState } from '../protocol/runState';
import { RunCoordinator } from '../engine/run/runCoordinator';
import type { RunOptions } from '../engine/run/runOptions';
import { formatReport } from '../engine/run/report';
import { describeRunOutcome } from '../protocol/views/runOutcome';
import { progressLine } from './progress';
import { EXIT } from './usageError';
import { answerApprovals, type ApprovalMode } from './approvalPrompt';

export interface ExecutedRun {
  state: RunState;
  journalPath: string;
  exitCode: number;
}

/**
 * Runs a plan with live progress lines, then prints the report and the journal's path. Approval
 * escalations are answered as `approvals` says (default: left to `loom resolve` or the timeout).
 */
export async function executeRun(
  options: RunOptions,
  print: (line: string) => void,
  approvals: { mode: ApprovalMode; by: string } = { mode: 'none', by: 'cli' },
): Promise<ExecutedRun> {
  const coordinator = new RunCoordinator(options);
  const startedAt = Date.now();
  const subscription = coordinator.onDidEvent((event) => {
    const line = progressLine(event, startedAt);
    if (line) print(line);
  });
  // Ctrl+C stops the agents and ends the run with a structured outcome instead of killing it mid-write.
  const onSignal = () => void coordinator.stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const answering = answerApprovals(coordinator, approvals.mode, { print, by: approvals.by, onInterrupt: onSignal });
  try {
    const state = await coordinator.run();
    print('');
    print(formatReport(state));
    print('');
    print(`Journal: ${coordinator.journalPath}`);
    return { state, journalPath: coordinator.journalPath, exitCode: exitCodeOf(state) };
  } finally {
    answering.dispose();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    subscription.dispose();
    await coordinator.dispose();
  }
}

export function exitCodeOf(state: RunState): number {
  switch (state.status) {
    case 'succeeded':
      return EXIT.ok;
    case 'escalated':
      return EXIT.escalationPending;
    case 'failed':
      // A run that failed because the endpoint, key or model is wrong is a configuration error, like a bad flag.
      return describeRunOutcome(state).kind === 'configuration' ? EXIT.usage : EXIT.taskFailures;
    case 'idle':
    case 'planning':
    case 'running':
    case 'stopped':
      return EXIT.taskFailures;
  }
}
