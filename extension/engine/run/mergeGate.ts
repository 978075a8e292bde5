import { acceptanceAllowlist } from '../policy/commandAllowlist';
import type { EventBody, RunEvent } from '../../protocol/events';
import type { Task } from '../../protocol/plan';
import type { McpServerConfig } from '../../protocol/workerMessages';
import { filesWithMarkers } from '../merge/conflictedMerge';
import { checkPassToPass } from '../verify/failToPass';
import { checkoutToolServer, commandSandbox, openRunSandbox, type RunSandbox } from './agentConfinement';
import type { RunOptions } from './runOptions';

export interface MergeGateInput {
  options: Pick<RunOptions, 'repo' | 'bundle' | 'sandbox' | 'commandTimeoutMs' | 'commandAllowlist'>;
  runId: string;
  runDir: string;
  /** The checkout that holds the resolved merge. */
  dir: string;
  /** The files git could not merge: none may keep a conflict marker. */
  conflicted: readonly string[];
  /** The tasks whose acceptance checks must pass on the result (both sides of the conflict). */
  tasks: readonly Task[];
  /** Whose result this is, for the journal: a merge agent's id or `person`. */
  resolvedBy: string;
  /** The task being merged: the checks are journaled under it. */
  heldTaskId: string;
  append: (body: EventBody) => RunEvent;
  /** The merge agent's sandbox and tool server, when it has them; otherwise the gate makes its own. */
  confinement?: { sandbox: RunSandbox; toolServer: McpServerConfig };
}

export type MergeGateOutcome = { ok: true } | { ok: false; reason: string };

/**
 * The one gate every resolved merge passes before it lands, whoever resolved it (a merge agent, a
 * person in the merge editor or at the CLI): no conflict marker left, and every acceptance check of
 * both tasks passing on the merged files, run like an agent's commands (sandboxed, same allowlist).
 * A person's resolution is not trusted more than an agent's: "Complete Merge" once landed code
 * that did not load.
 */
export async function checkMergedResult(input: MergeGateInput): Promise<MergeGateOutcome> {
  const leftovers = await filesWithMarkers(input.dir, input.conflicted);
  input.append({
    type: 'verify/didCheck',
    taskId: input.heldTaskId,
    check: 'merge: no conflict markers',
    passed: leftovers.length === 0,
    detail: leftovers.length ? `markers left in ${leftovers.join(', ')} (${input.resolvedBy})` : `${input.conflicted.length} file(s) resolved by ${input.resolvedBy}`,
  });
  if (leftovers.length) return { ok: false, reason: `conflict markers are left in ${leftovers.join(', ')}` };

  const { sandbox, toolServer } = input.confinement ?? (await gateConfinement(input));
  const seen = new Set<string>();
  for (const task of input.tasks) {
    for (const check of task.acceptance) {
      const command = check.command.join(' ');
      if (seen.has(command)) continue;
      seen.add(command);
      const outcome = await checkPassToPass({
        dir: input.dir,
        command: check.command,
        timeoutMs: input.options.commandTimeoutMs,
        // The rule the verifier passed these checks under: a check it ran as `sh -c` runs here too.
        allowlist: acceptanceAllowlist(input.options.commandAllowlist, sandbox.spec.kind !== 'none'),
        sandboxFor: () => commandSandbox(sandbox.spec, toolServer),
      });
      input.append({ type: 'verify/didCheck', taskId: input.heldTaskId, check: `merge: ${command}`, passed: outcome.passed, detail: outcome.detail });
      if (!outcome.passed) return { ok: false, reason: `${task.id}'s check \`${command}\` fails on the merged files: ${firstLine(outcome.detail)}` };
    }
  }
  return { ok: true };
}

/** The sandbox a check of a person's merge runs in: the one an agent in that checkout would have. */
async function gateConfinement(input: MergeGateInput): Promise<{ sandbox: RunSandbox; toolServer: McpServerConfig }> {
  const sandbox = await openRunSandbox(input.options, input.runDir);
  const toolServer = await checkoutToolServer({
    sandbox,
    options: input.options,
    runId: input.runId,
    agentId: `merge-check-${input.heldTaskId}`,
    lease: input.dir,
    runDir: input.runDir,
    leaseKey: `merge-check-${input.heldTaskId}`,
  });
  return { sandbox, toolServer };
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim()) ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
