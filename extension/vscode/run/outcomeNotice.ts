import type { RunOutcome } from '../../protocol/views/runOutcome';
import type { DashboardTab } from '../../protocol/webviewMessages';

export type NoticeAction = 'Show Details' | 'Open Dashboard' | 'Merge Result into My Branch';

/** The notification at the end of a run: what happened, why, and what to do next; the full text for the Loom log. */
export interface OutcomeNotice {
  severity: 'info' | 'warning' | 'error';
  message: string;
  /** Headline, cause and next step in full, for the Loom output channel. */
  details: string;
  actions: NoticeAction[];
  /** Where "Show Details" goes: the dashboard tab that shows the cause, or the Loom log (a run that never got going has nothing in the dashboard). */
  detailsIn: DashboardTab | 'log';
}

/** A notification shows a few lines; the rest of a long cause is behind "Show Details". */
const MAX_CAUSE = 280;

export function outcomeNotice(outcome: Pick<RunOutcome, 'kind' | 'headline' | 'cause' | 'nextStep'>): OutcomeNotice {
  const cause = outcome.cause && outcome.cause.length > MAX_CAUSE ? `${outcome.cause.slice(0, MAX_CAUSE - 1).trimEnd()}…` : outcome.cause;
  const message = [`Loom: ${outcome.headline}.`, cause ? `Cause: ${cause}.` : '', outcome.nextStep ? `Next: ${outcome.nextStep}.` : ''].filter(Boolean).join(' ');
  const details = [outcome.headline, outcome.cause ? `cause: ${outcome.cause}` : '', outcome.nextStep ? `next step: ${outcome.nextStep}` : ''].filter(Boolean).join('\n  ');
  switch (outcome.kind) {
    case 'succeeded':
      // The result is on the run's own branch: bringing it into the person's is offered, never done unasked.
      return { severity: 'info', message, details, actions: ['Merge Result into My Branch', 'Open Dashboard'], detailsIn: 'agents' };
    case 'running':
      return { severity: 'info', message, details, actions: ['Open Dashboard'], detailsIn: 'agents' };
    case 'escalated':
      return { severity: 'warning', message, details, actions: ['Show Details'], detailsIn: 'escalations' };
    case 'stopped':
      return { severity: 'warning', message, details, actions: ['Show Details'], detailsIn: 'agents' };
    case 'configuration':
      return { severity: 'error', message, details, actions: ['Show Details'], detailsIn: 'log' };
    case 'plan':
      return { severity: 'error', message, details, actions: ['Show Details'], detailsIn: 'plan' };
    case 'tasks':
      return { severity: 'error', message, details, actions: ['Show Details'], detailsIn: 'agents' };
  }
}

/** A run the engine could not carry out at all (it threw): its error is the cause. */
export function errorOutcome(runId: string, error: Error): Pick<RunOutcome, 'kind' | 'headline' | 'cause' | 'nextStep'> {
  return {
    kind: 'configuration',
    headline: `Run ${runId} could not run`,
    cause: error.message.replace(/\.$/, ''),
    nextStep: 'fix what the cause says ("Loom: Choose Model…" changes the model, "Loom: Set API Key" the key), then start the plan again',
  };
}
