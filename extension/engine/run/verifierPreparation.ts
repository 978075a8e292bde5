/**
 * What is made for a task's verifier while its implementor works: its checkout, then the start commit's
 * runs. Begun once the implementor's first model call has answered (or the verifier is about to run),
 * not with the task: there it would take the machine from the wave's leases, tool servers and first
 * model calls, which the agents wait on, for work the verifier needs minutes later. Every step is
 * skipped once the task has ended, and only a checkout that was begun is removed.
 */
export class VerifierPreparation {
  private readonly stop = new AbortController();
  private open: () => void = () => undefined;
  private begun = false;
  private ready: Promise<void>;

  constructor(checkout: () => Promise<void>) {
    const opened = new Promise<void>((resolve) => (this.open = resolve));
    this.ready = opened.then(() => {
      if (this.stop.signal.aborted) return;
      this.begun = true;
      return checkout();
    });
  }

  /** Ends with its task: aborts what runs (steps see the signal) and skips what has not begun. */
  get signal(): AbortSignal {
    return this.stop.signal;
  }

  begin(): void {
    this.open();
  }

  /** A step after those so far (the start commit's runs), skipped once the task has ended; it never fails the task. */
  after(step: (signal: AbortSignal) => Promise<void>): void {
    this.ready = this.ready.then(() => (this.stop.signal.aborted ? undefined : step(this.stop.signal))).catch(() => undefined);
  }

  /** Everything begun so far has ended (the verifier's own work starts after it). */
  async settled(): Promise<void> {
    this.begin();
    await this.ready;
  }

  /** The task ended: nothing more begins, and the checkout, if it was begun, is removed once what runs has ended. */
  end(remove: () => Promise<void>): void {
    this.stop.abort();
    this.open();
    void this.ready.then(() => (this.begun ? remove() : undefined)).catch(() => undefined);
  }
}
