/** A mistake in how the CLI was called: exit code 2, with a message that says what to do. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The CLI's exit codes (cliErrors.ts maps each error type to one; `loom --help` explains them). */
export const EXIT = { ok: 0, taskFailures: 1, usage: 2, escalationPending: 3 } as const;
