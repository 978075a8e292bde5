import { createStore, type StoreApi } from 'zustand/vanilla';
import type { RunEvent } from '../../extension/protocol/events';
import { reduce, assertNever } from '../../extension/protocol/reduce';
import { initialRunState, type RunState } from '../../extension/protocol/runState';
import type { EscalationChoice, HostMessage } from '../../extension/protocol/webviewMessages';
import { isTraceEvent, toTraceEvent, traceEventsOf } from './traceEvents';
import { initialUiState, type TabId, type UiState } from './uiState';

/** What the dashboard holds: the folded run, the trace events beside it, and the panel's own state. */
export interface DashboardData {
  /** The run, folded with the shared reducer (extension/protocol/reduce.ts): never reimplemented here. */
  run: RunState;
  /** Trace events (see traceEvents.ts) in journal order, for traces and spend. */
  events: RunEvent[];
  ui: UiState;
  /** Set when an event arrived after a gap in seq: the state is stale until the next snapshot. */
  needsSnapshot: boolean;
}

export interface DashboardActions {
  /** Route one validated host message. */
  applyHostMessage(message: HostMessage): void;
  /** Replace the run with a snapshot; `events`, when given, replace the trace events too. */
  applySnapshot(state: RunState, events?: readonly RunEvent[]): void;
  /** Fold one journal event. Duplicates are ignored; a gap marks the state stale instead of folding. */
  applyEvent(event: RunEvent): void;
  selectTab(tab: TabId): void;
  selectAgent(agentId: string | null, options?: { showTraces?: boolean }): void;
  selectTask(taskId: string | null, options?: { showPlan?: boolean }): void;
  selectTrace(key: string | null): void;
  setSpendMetric(metric: UiState['spendMetric']): void;
  /** Remember an escalation answer sent to the host until the journal confirms it. */
  markResolutionPending(escalationId: string, choice: EscalationChoice): void;
  recordFindingReview(taskId: string, index: number, decision: 'accepted' | 'dismissed'): void;
}

export type DashboardState = DashboardData & DashboardActions;
export type DashboardStore = StoreApi<DashboardState>;

export interface DashboardStoreOptions {
  /** Restored state (vscode getState) to start from. */
  initial?: Partial<Pick<DashboardData, 'run' | 'events' | 'ui'>>;
  /** Where a reducer failure is reported; the store never throws into the UI. */
  log?: (message: string) => void;
}

export function createDashboardStore(options: DashboardStoreOptions = {}): DashboardStore {
  const log = options.log ?? ((m: string) => console.warn(m));
  return createStore<DashboardState>()((set, get) => ({
    run: options.initial?.run ?? initialRunState(),
    events: options.initial?.events ?? [],
    ui: { ...initialUiState(), ...options.initial?.ui },
    needsSnapshot: false,

    applyHostMessage(message) {
      switch (message.type) {
        case 'state/didSnapshot':
          get().applySnapshot(message.state, message.events);
          return;
        case 'run/didEmit':
          get().applyEvent(message.event);
          return;
        default:
          assertNever(message);
      }
    },

    applySnapshot(state, events) {
      const { run, events: kept, ui } = get();
      const sameRun = run.runId !== null && run.runId === state.runId;
      const nextEvents = events ? traceEventsOf(events) : sameRun ? kept.filter((e) => e.seq <= state.lastSeq) : [];
      set({
        run: state,
        events: nextEvents,
        needsSnapshot: false,
        ui: sameRun || run.runId === null ? pruneUi(ui, state) : pruneUi({ ...ui, selectedAgentId: null, selectedTaskId: null, selectedTraceKey: null }, state),
      });
    },

    applyEvent(event) {
      const { run, events, ui } = get();
      if (event.type === 'run/didStart' && event.seq === 0 && event.runId !== run.runId) {
        // A new run: its journal starts again at seq 0.
        const fresh = reduce(initialRunState(), event);
        set({ run: fresh, events: [], needsSnapshot: false, ui: pruneUi({ ...ui, selectedTraceKey: null }, fresh) });
        return;
      }
      if (event.seq <= run.lastSeq) return;
      if (event.seq !== run.lastSeq + 1) {
        if (!get().needsSnapshot) log(`[loom] event ${event.seq} arrived after ${run.lastSeq}: asking the host for a snapshot`);
        set({ needsSnapshot: true });
        return;
      }
      let next: RunState;
      try {
        next = reduce(run, event);
      } catch (err) {
        log(`[loom] could not fold event ${event.seq} (${event.type}): ${String(err)}`);
        set({ needsSnapshot: true });
        return;
      }
      set({
        run: next,
        events: isTraceEvent(event) ? [...events, toTraceEvent(event)] : events,
        ui: event.type === 'escalation/didResolve' || event.type === 'run/didStart' ? pruneUi(ui, next) : ui,
      });
    },

    selectTab(tab) {
      set({ ui: { ...get().ui, tab } });
    },

    selectAgent(agentId, opts) {
      const ui = get().ui;
      set({ ui: { ...ui, selectedAgentId: agentId, selectedTraceKey: agentId === ui.selectedAgentId ? ui.selectedTraceKey : null, tab: opts?.showTraces ? 'traces' : ui.tab } });
    },

    selectTask(taskId, opts) {
      const ui = get().ui;
      set({ ui: { ...ui, selectedTaskId: taskId, tab: opts?.showPlan ? 'plan' : ui.tab } });
    },

    selectTrace(key) {
      set({ ui: { ...get().ui, selectedTraceKey: key } });
    },

    setSpendMetric(spendMetric) {
      set({ ui: { ...get().ui, spendMetric } });
    },

    markResolutionPending(escalationId, choice) {
      const ui = get().ui;
      set({ ui: { ...ui, pendingResolutions: [...ui.pendingResolutions.filter((p) => p.escalationId !== escalationId), { escalationId, choice }] } });
    },

    recordFindingReview(taskId, index, decision) {
      const ui = get().ui;
      const others = ui.findingReviews.filter((r) => !(r.taskId === taskId && r.index === index));
      set({ ui: { ...ui, findingReviews: [...others, { taskId, index, decision }] } });
    },
  }));
}

/** Drop pending answers the journal has confirmed, and selections that no longer exist. */
function pruneUi(ui: UiState, run: RunState): UiState {
  const open = new Set(run.escalations.filter((e) => e.resolution === null).map((e) => e.escalationId));
  const pendingResolutions = ui.pendingResolutions.filter((p) => open.has(p.escalationId));
  const selectedAgentId = ui.selectedAgentId && run.agents.some((a) => a.agentId === ui.selectedAgentId) ? ui.selectedAgentId : null;
  const selectedTaskId = ui.selectedTaskId && run.tasks.some((t) => t.task.id === ui.selectedTaskId) ? ui.selectedTaskId : null;
  if (pendingResolutions.length === ui.pendingResolutions.length && selectedAgentId === ui.selectedAgentId && selectedTaskId === ui.selectedTaskId) return ui;
  return { ...ui, pendingResolutions, selectedAgentId, selectedTaskId, selectedTraceKey: selectedAgentId ? ui.selectedTraceKey : null };
}
