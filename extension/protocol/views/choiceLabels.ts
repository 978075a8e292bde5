import type { EscalationChoice } from '../webviewMessages';

/** The words for each answer to an escalation, the same on the dashboard's buttons and in the sidebar's pick. */
export const CHOICE_LABEL: Record<EscalationChoice, string> = {
  ours: 'Take ours',
  theirs: 'Take theirs',
  mergeAgent: 'Hand to merge agent',
  manual: 'Open merge editor',
  approve: 'Approve',
  deny: 'Deny',
  raiseBudget: 'Raise budget',
  extend: 'Extend budget',
  resume: 'Resume run',
  retry: 'Retry',
  skip: 'Skip task',
  stop: 'Stop run',
};
