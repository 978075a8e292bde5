import { acceptanceAllowlist, describeAllowlist, isCommandAllowed, programName } from '../policy/commandAllowlist';
import { findOnPath } from '../process/findOnPath';

/** What decides whether a planned acceptance command can run in this run. */
export interface RunnableContext {
  /** The run's command allowlist (policy/commandAllowlist). */
  allowlist: readonly string[];
  /** Inside the sandbox a check may also be a shell command (`sh -c`). */
  confined: boolean;
  /** Is the program installed? Default: found on PATH. */
  installed?: (program: string) => boolean;
  /** The repository's files at the base commit: tests a check says the spec names must be among them. */
  repoFiles?: readonly string[];
}

interface LooseCheck {
  kind?: unknown;
  command?: unknown;
  testFiles?: unknown;
  testsBy?: unknown;
}

/**
 * Errors for acceptance commands that could never run — a program off the allowlist, or not
 * installed — found before anything starts, worded for the coordinator's repair round.
 */
export function unrunnableCommandErrors(tasks: ReadonlyArray<{ id?: string; acceptance?: readonly LooseCheck[] }>, context: RunnableContext): string[] {
  const allowlist = acceptanceAllowlist(context.allowlist, context.confined);
  const installed = context.installed ?? ((program: string) => findOnPath(program) !== undefined);
  const errors: string[] = [];
  const existing = context.repoFiles ? new Set(context.repoFiles) : undefined;
  tasks.forEach((task, i) => {
    const name = task.id !== undefined ? `task "${task.id}"` : `tasks[${i}]`;
    (task.acceptance ?? []).forEach((check, j) => {
      errors.push(...missingTestErrors(`${name} acceptance[${j}]`, check, existing));
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

/**
 * A fail-to-pass check's tests exist before its implementor starts: written by the test author
 * (so it must be told where), or already in the repository when the spec names them.
 */
function missingTestErrors(where: string, check: LooseCheck, existing: ReadonlySet<string> | undefined): string[] {
  if (check.kind !== 'failToPass') return [];
  const files = Array.isArray(check.testFiles) ? check.testFiles.filter((f): f is string => typeof f === 'string') : [];
  if (check.testsBy === 'spec') {
    if (!existing) return [];
    const missing = files.filter((f) => !/[*?[\]{}]/.test(f) && !existing.has(f.replace(/^\.\//, '')));
    return missing.length
      ? [`${where} says the spec names its tests (testsBy "spec"), but ${missing.join(', ')} is not in the repository: name an existing test file, or let a test author write it (testsBy "testAuthor")`]
      : [];
  }
  return files.length ? [] : [`${where} has its tests written by a test author (testsBy "testAuthor", the default) but names no testFiles: say which test files it writes`];
}
