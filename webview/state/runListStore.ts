import { createStore, type StoreApi } from 'zustand/vanilla';
import type { RunSummary } from '../../extension/protocol/runSummary';
import type { HostBridge } from '../host/hostBridge';

/** The runs under LOOM_HOME as the host last listed them (`runs/didList`), and the one the dashboard shows. */
export interface RunListState {
  runs: RunSummary[];
  shownRunId: string | null;
}

export type RunListStore = StoreApi<RunListState>;

export function createRunListStore(): RunListStore {
  return createStore<RunListState>()(() => ({ runs: [], shownRunId: null }));
}

/** Feeds the store from the host's `runs/didList` messages; returns the function that stops it. */
export function connectRunList(store: RunListStore, bridge: Pick<HostBridge, 'onMessage'>): () => void {
  return bridge.onMessage((message) => {
    if (message.type === 'runs/didList') store.setState({ runs: message.runs, shownRunId: message.shownRunId });
  });
}
