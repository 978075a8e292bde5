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

/** How each kind of ending is shown: its severity, its buttons, and where "Show Details" goes. */
const NOTICE_BY_KIND: Record<RunOutcome['kind'], Pick<OutcomeNotice, 'severity' | 'actions' | 'detailsIn'>> = {
  // The result is on the run's own branch: bringing it into the person's is offered, never done unasked.
  succeeded: { severity: 'info', actions: ['Merge Result into My Branch', 'Open Dashboard'], detailsIn: 'agents' },
  running: { severity: 'info', actions: ['Open Dashboard'], detailsIn: 'agents' },
  escalated: { severity: 'warning', actions: ['Show Details'], detailsIn: 'escalations' },
  stopped: { severity: 'warning', actions: ['Show Details'], detailsIn: 'agents' },
  configuration: { severity: 'error', actions: ['Show Details'], detailsIn: 'log' },
  plan: { severity: 'error', actions: ['Show Details'], detailsIn: 'plan' },
  tasks: { severity: 'error', actions: ['Show Details'], detailsIn: 'agents' },
};

/** A notification shows a few lines; the rest of a long cause is behind "Show Details". */
const MAX_CAUSE = 280;

export function outcomeNotice(outcome: Pick<RunOutcome, 'kind' | 'headline' | 'cause' | 'nextStep'>): OutcomeNotice {
  const cause = outcome.cause && outcome.cause.length > MAX_CAUSE ? `${outcome.cause.slice(0, MAX_CAUSE - 1).trimEnd()}…` : outcome.cause;
  const message = [`Loom: ${outcome.headline}.`, cause ? `Cause: ${cause}.` : '', outcome.nextStep ? `Next: ${outcome.nextStep}.` : ''].filter(Boolean).join(' ');
  const details = [outcome.headline, outcome.cause ? `cause: ${outcome.cause}` : '', outcome.nextStep ? `next step: ${outcome.nextStep}` : ''].filter(Boolean).join('\n  ');
  return { ...NOTICE_BY_KIND[outcome.kind], message, details };
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
