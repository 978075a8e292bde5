import { z } from 'zod';
import { RunEventSchema } from '../../extension/protocol/events';
import { RunStateSchema } from '../../extension/protocol/webviewMessages';
import type { DashboardData } from './store';
import { UiStateSchema } from './uiState';

/**
 * How many trace events are kept across a reload; the host's snapshot brings the rest. Every save
 * serializes them while the run streams (5,000 took ~130 ms a save in the dashboard bench), so few.
 */
export const PERSISTED_EVENT_LIMIT = 1000;

/** What survives the panel being hidden or VS Code reloading (vscode setState/getState). */
export const PersistedDashboardSchema = z.object({
  v: z.literal(1),
  run: RunStateSchema,
  events: z.array(RunEventSchema),
  ui: UiStateSchema,
});
export type PersistedDashboard = z.infer<typeof PersistedDashboardSchema>;

export function toPersisted(data: Pick<DashboardData, 'run' | 'events' | 'ui'>): PersistedDashboard {
  const events = data.events.length > PERSISTED_EVENT_LIMIT ? data.events.slice(-PERSISTED_EVENT_LIMIT) : data.events;
  return { v: 1, run: data.run, events, ui: data.ui };
}

/** The restored state, or null (with the reason) when there is none or it does not validate. */
export function fromPersisted(value: unknown): { ok: true; data: PersistedDashboard } | { ok: false; reason: string } {
  if (value === undefined || value === null) return { ok: false, reason: 'nothing saved' };
  const parsed = PersistedDashboardSchema.safeParse(value);
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, reason: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
}
