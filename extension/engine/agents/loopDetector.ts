/**
 * Failure mode 4: an agent repeating the same tool call, or talking without acting.
 * The first sign earns a nudge; persisting earns a structured stop.
 */
export type LoopVerdict = 'ok' | 'nudge' | 'stop';

export class LoopDetector {
  private lastCall: string | null = null;
  private repeats = 0;
  private idleTurns = 0;

  constructor(private readonly limits = { nudgeAfterRepeats: 3, stopAfterRepeats: 5, nudgeAfterIdle: 1, stopAfterIdle: 3 }) {}

  /** Call once per tool call with its name and raw arguments. */
  onToolCall(name: string, args: string): LoopVerdict {
    this.idleTurns = 0;
    const key = `${name}\u0000${args}`;
    this.repeats = key === this.lastCall ? this.repeats + 1 : 1;
    this.lastCall = key;
    if (this.repeats >= this.limits.stopAfterRepeats) return 'stop';
    if (this.repeats >= this.limits.nudgeAfterRepeats) return 'nudge';
    return 'ok';
  }

  /** Call for a turn in which the model made no tool call. */
  onIdleTurn(): LoopVerdict {
    this.idleTurns++;
    if (this.idleTurns >= this.limits.stopAfterIdle) return 'stop';
    if (this.idleTurns >= this.limits.nudgeAfterIdle) return 'nudge';
    return 'ok';
  }
}
