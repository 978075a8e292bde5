import type { Finding } from '../../protocol/taskResult';
import type { VerifyJob } from '../../protocol/workerMessages';
import type { AskApproval } from '../policy/approvalGate';

/** The commands a verification would run: the task's acceptance checks, then the run's lint command. */
export function verificationCommands(job: Pick<VerifyJob, 'task' | 'lintCommand'>): string[][] {
  const commands = job.task.acceptance.map((check) => check.command);
  if (job.lintCommand && job.lintCommand.length > 0) commands.push(job.lintCommand);
  const seen = new Set<string>();
  return commands.filter((argv) => {
    const key = JSON.stringify(argv);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Without a sandbox, a verification command runs code the implementor wrote (a test, an npm
 * script) on the host, so each one waits on a person's approval first, like an agent's commands.
 * Returns a failing finding per command that was not approved; empty when all were.
 */
export async function approveUnconfinedChecks(job: Pick<VerifyJob, 'task' | 'lintCommand'>, ask: AskApproval | undefined, signal?: AbortSignal): Promise<Finding[]> {
  const refused: Finding[] = [];
  for (const argv of verificationCommands(job)) {
    const answer = ask
      ? await ask({ action: { kind: 'command', argv }, reason: 'no sandbox confines this run: the verifier would run it directly on this machine' }, signal)
      : { approved: false, message: 'nobody can approve commands for this verifier' };
    if (!answer.approved) {
      refused.push({
        severity: 'error',
        rule: 'command/notApproved',
        message: `"${argv.join(' ')}" was not run: no sandbox confines this run and it was not approved (${answer.message})`,
      });
    }
  }
  return refused;
}
