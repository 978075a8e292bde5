import type { EventBody, RunEvent } from '../../protocol/events';
import type { CommandSandbox } from '../verify/runCommand';
import { runSetupRecipe } from '../sandbox/setupRecipe';

/**
 * The setup recipe, once per lease before its first agent (a task's, or a merge agent's): in the
 * sandbox that agent will get, so what it installs or builds is there for it. Journaled as
 * `setup/didRun`; returns why the lease cannot be used, or null.
 */
export async function runLeaseSetup(recipe: string, dir: string, sandbox: CommandSandbox | undefined, journal: (body: EventBody) => RunEvent, taskId: string, signal?: AbortSignal): Promise<string | null> {
  const outcome = await runSetupRecipe(recipe, dir, sandbox, signal);
  journal({ type: 'setup/didRun', taskId, purpose: 'lease', command: firstLine(recipe), ...outcome });
  return outcome.passed ? null : `setup failed (${outcome.exitCode === null ? 'killed' : `exit ${outcome.exitCode}`}): ${lastLine(outcome.output)}`;
}

function firstLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines.length > 1 ? `${lines[0]} …` : lines[0];
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}
