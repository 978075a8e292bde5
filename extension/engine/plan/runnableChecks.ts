import { describeAllowlist, isCommandAllowed, programName } from '../policy/commandAllowlist';
import { findOnPath } from '../process/findOnPath';

/** What decides whether a planned acceptance command can run in this run. */
export interface RunnableContext {
  /** The run's command allowlist (policy/commandAllowlist). */
  allowlist: readonly string[];
  /** Inside the sandbox a check may also be a shell command (`sh -c`). */
  confined: boolean;
  /** Is the program installed? Default: found on PATH. */
  installed?: (program: string) => boolean;
}

interface LooseCheck {
  command?: unknown;
}

/**
 * Errors for acceptance commands that could never run — a program off the allowlist, or not
 * installed — found before anything starts, worded for the coordinator's repair round.
 */
export function unrunnableCommandErrors(tasks: ReadonlyArray<{ id?: string; acceptance?: readonly LooseCheck[] }>, context: RunnableContext): string[] {
  const allowlist = context.confined ? [...context.allowlist, 'sh'] : [...context.allowlist];
  const installed = context.installed ?? ((program: string) => findOnPath(program) !== undefined);
  const errors: string[] = [];
  tasks.forEach((task, i) => {
    const name = task.id !== undefined ? `task "${task.id}"` : `tasks[${i}]`;
    (task.acceptance ?? []).forEach((check, j) => {
      const argv = check.command;
      if (!Array.isArray(argv) || argv.length === 0 || typeof argv[0] !== 'string') return; // the schema reports it
      const program = argv[0];
      if (!isCommandAllowed(argv as string[], allowlist)) {
        errors.push(
          `${name} acceptance[${j}] runs "${program}", which is not on the command allowlist (${describeAllowlist(allowlist)}): ` +
            `use an allowed program, e.g. ["npx", "${programName(program)}", …] or ["npm", "test", "--", …]`,
        );
      } else if (!installed(program)) {
        errors.push(`${name} acceptance[${j}] runs "${program}", which is not installed on this machine (not found on PATH)`);
      }
    });
  });
  return errors;
}
