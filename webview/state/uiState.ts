import { z } from 'zod';
import { DashboardTabSchema, EscalationChoiceSchema } from '../../extension/protocol/webviewMessages';

/** The dashboard's tabs, in display order. */
export const TAB_IDS = DashboardTabSchema.options;
export type TabId = (typeof TAB_IDS)[number];

/**
 * What the person looks at and has done in this panel: selection, and answers sent to the host
 * that the journal has not confirmed yet. Plain data, persisted with vscode setState.
 */
export const UiStateSchema = z.object({
  tab: z.enum(TAB_IDS),
  selectedAgentId: z.string().nullable(),
  selectedTaskId: z.string().nullable(),
  /** Key of the selected trace item (the seq of its event, as text). */
  selectedTraceKey: z.string().nullable(),
  spendMetric: z.enum(['tokens', 'cost']),
  /** Escalation answers posted to the host and not yet seen as `escalation/didResolve`. */
  pendingResolutions: z.array(z.object({ escalationId: z.string(), choice: EscalationChoiceSchema })),
  /** Decisions on verifier findings; the journal has no event for them, so the panel remembers. */
  findingReviews: z.array(z.object({ taskId: z.string(), index: z.number().int(), decision: z.enum(['accepted', 'dismissed']) })),
});
export type UiState = z.infer<typeof UiStateSchema>;

export function initialUiState(): UiState {
  return {
    tab: 'agents',
    selectedAgentId: null,
    selectedTaskId: null,
    selectedTraceKey: null,
    spendMetric: 'tokens',
    pendingResolutions: [],
    findingReviews: [],
  };
}
