import { createStore, type StoreApi } from 'zustand/vanilla';
import type { RunEvent } from '../../extension/protocol/events';
import { reduce, assertNever } from '../../extension/protocol/reduce';
import { initialRunState, type RunState } from '../../extension/protocol/runState';
import type { EscalationChoice, HostMessage } from '../../extension/protocol/webviewMessages';
import { keptEvent } from './keptEvent';
import { createTimelineFolds, type TimelineFolds } from './timelineFolds';
import { initialUiState, type TabId, type UiState } from './uiState';

/** The latest state of the run and its events in journal order (see keptEvent.ts). */
export interface RunHistory {
  /** Folded with the shared reducer (extension/protocol/reduce.ts): never reimplemented here. */
  run: RunState;
  events: RunEvent[];
}

/**
 * What the dashboard holds: the run as shown and its events up to that point (every view reads
 * these two), the live history beside them, and the panel's own state.
 */
export interface DashboardData {
  /** The run as shown: the live run, or the same reducer folded over events[0..timelineSeq]. */
  run: RunState;
  /** The events as shown: up to timelineSeq when travelling in time. */
  events: RunEvent[];
  /** The latest run and every event, whatever the timeline shows. */
  live: RunHistory;
  /** The seq of the event the timeline shows, or null to follow the run live. */
  timelineSeq: number | null;
  ui: UiState;
  /** Set when an event arrived after a gap in seq: the state is stale until the next snapshot. */
  needsSnapshot: boolean;
}

export interface DashboardActions {
  /** Route one validated host message. */
  applyHostMessage(message: HostMessage): void;
  /** Route host messages that arrived together, in order: each run of events is folded in one update. */
  applyHostMessages(messages: readonly HostMessage[]): void;
  /** Replace the run with a snapshot; `events`, when given, replace the trace events too. */
  applySnapshot(state: RunState, events?: readonly RunEvent[]): void;
  /** Fold one journal event. Duplicates are ignored; a gap marks the state stale instead of folding. */
  applyEvent(event: RunEvent): void;
  /** Fold events in order as one update of the store (one render), each as applyEvent would. */
  applyEvents(events: readonly RunEvent[]): void;
  /** Show the run folded to event `seq` (time travel), or follow it live again with null. */
  showEvent(seq: number | null): void;
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
  const folds = createTimelineFolds();
  const initialLive: RunHistory = { run: options.initial?.run ?? initialRunState(), events: options.initial?.events ?? [] };
  return createStore<DashboardState>()((set, get) => ({
    ...initialLive,
    live: initialLive,
    timelineSeq: null,
    ui: { ...initialUiState(), ...options.initial?.ui },
    needsSnapshot: false,

    applyHostMessage(message) {
      switch (message.type) {
        case 'state/didSnapshot':
          get().applySnapshot(message.state, message.events);
          return;
        case 'run/didEmit':
          get().applyEvents([message.event]);
          return;
        case 'runs/didList':
          // The run list has its own store (runListStore.ts).
          return;
        case 'dashboard/showTab':
          get().selectTab(message.tab);
          return;
        default:
          assertNever(message);
      }
    },

    applyHostMessages(messages) {
      let events: RunEvent[] = [];
      for (const message of messages) {
        if (message.type === 'run/didEmit') {
          events.push(message.event);
          continue;
        }
        if (events.length) get().applyEvents(events);
        events = [];
        get().applyHostMessage(message);
      }
      if (events.length) get().applyEvents(events);
    },

    applySnapshot(state, events) {
      const { live, ui, timelineSeq } = get();
      const sameRun = live.run.runId !== null && live.run.runId === state.runId;
      const next: RunHistory = { run: state, events: events ? events.map(keptEvent) : sameRun ? live.events.filter((e) => e.seq <= state.lastSeq) : [] };
      folds.reset();
      set({
        ...shown(folds, next, sameRun ? timelineSeq : null),
        live: next,
        needsSnapshot: false,
        ui: sameRun || live.run.runId === null ? pruneUi(ui, state) : pruneUi({ ...ui, selectedAgentId: null, selectedTaskId: null, selectedTraceKey: null }, state),
      });
    },

    applyEvent(event) {
      get().applyEvents([event]);
    },

    applyEvents(incoming) {
      const start = get();
      let { ui, timelineSeq, needsSnapshot } = start;
      let run = start.live.run;
      let kept = start.live.events;
      let appended: RunEvent[] = [];
      let fresh = false;
      let prune = false;
      for (const event of incoming) {
        if (event.type === 'run/didStart' && event.seq === 0 && event.runId !== run.runId) {
          // A new run: its journal starts again at seq 0.
          run = reduce(initialRunState(), event);
          kept = [];
          appended = [keptEvent(event)];
          fresh = true;
          timelineSeq = null;
          needsSnapshot = false;
          ui = pruneUi({ ...ui, selectedTraceKey: null }, run);
          continue;
        }
        if (event.seq <= run.lastSeq) continue;
        if (event.seq !== run.lastSeq + 1) {
          if (!needsSnapshot) log(`[loom] event ${event.seq} arrived after ${run.lastSeq}: asking the host for a snapshot`);
          needsSnapshot = true;
          continue;
        }
        try {
          run = reduce(run, event);
        } catch (err) {
          log(`[loom] could not fold event ${event.seq} (${event.type}): ${String(err)}`);
          needsSnapshot = true;
          continue;
        }
        appended.push(keptEvent(event));
        if (event.type === 'escalation/didResolve' || event.type === 'run/didStart') prune = true;
      }
      if (!fresh && appended.length === 0) {
        if (needsSnapshot !== start.needsSnapshot) set({ needsSnapshot });
        return;
      }
      // One copy of the events per batch (concat copies flat; spreading 100,000 events does not).
      const next: RunHistory = { run, events: kept.length ? kept.concat(appended) : appended };
      if (fresh) folds.reset();
      // Travelling in time, the past shown does not change; live, the new events show at once.
      set({
        ...(timelineSeq === null ? next : {}),
        live: next,
        timelineSeq,
        needsSnapshot,
        ui: timelineSeq === null && prune ? pruneUi(ui, run) : ui,
      });
    },

    showEvent(seq) {
      const { live, ui } = get();
      const next = shown(folds, live, seq);
      // Back to live, answers the journal confirmed meanwhile are no longer pending.
      set(next.timelineSeq === null ? { ...next, ui: pruneUi(ui, live.run) } : next);
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

/** Whether the history holds every event of the run, so folding a prefix of it is the run at that point. */
export function hasWholeHistory(live: RunHistory): boolean {
  const { events, run } = live;
  return events.length > 0 && events.length === run.lastSeq + 1 && events[0].seq === 0 && events[events.length - 1].seq === run.lastSeq;
}

/** What the views show for a timeline position: the live run, or the events up to `seq` folded again. */
function shown(folds: TimelineFolds, live: RunHistory, seq: number | null): Pick<DashboardData, 'run' | 'events' | 'timelineSeq'> {
  if (seq === null || seq >= live.run.lastSeq || !hasWholeHistory(live)) return { ...live, timelineSeq: null };
  const at = Math.max(0, Math.floor(seq));
  return { run: folds.at(live.events, at), events: live.events.slice(0, at + 1), timelineSeq: at };
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
