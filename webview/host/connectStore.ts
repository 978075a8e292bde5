import { webviewMessages } from '../../extension/protocol/webviewMessages';
import { fromPersisted, toPersisted } from '../state/persisted';
import type { DashboardStore, DashboardStoreOptions } from '../state/store';
import type { HostBridge } from './hostBridge';

/** The state saved in a previous life of this panel, for createDashboardStore. */
export function restoredStoreOptions(bridge: HostBridge, log: (m: string) => void = (m) => console.warn(m)): DashboardStoreOptions['initial'] {
  const restored = fromPersisted(bridge.getState());
  if (restored.ok) return restored.data;
  if (restored.reason !== 'nothing saved') log(`[loom] ignored saved panel state: ${restored.reason}`);
  return undefined;
}

/**
 * Wire a store to the host: host messages feed the store, `webview/didReady` asks for a snapshot
 * at start and again whenever the store sees a gap, and the state is saved (debounced) with
 * setState. Returns the function that undoes all of it.
 */
export function connectStore(store: DashboardStore, bridge: HostBridge, options: { saveDelayMs?: number } = {}): () => void {
  const saveDelayMs = options.saveDelayMs ?? 250;
  const stopMessages = bridge.onMessage((message) => store.getState().applyHostMessage(message));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const save = () => {
    timer = undefined;
    // The live run is saved, never a moment the timeline shows: a reload follows the run again.
    const { live, ui } = store.getState();
    bridge.setState(toPersisted({ ...live, ui }));
  };
  const stopStore = store.subscribe((state, previous) => {
    if (state.needsSnapshot && !previous.needsSnapshot) bridge.post(webviewMessages.ready());
    if (state.live !== previous.live || state.ui !== previous.ui) {
      if (timer === undefined) timer = setTimeout(save, saveDelayMs);
    }
  });
  bridge.post(webviewMessages.ready());
  return () => {
    stopMessages();
    stopStore();
    if (timer !== undefined) {
      clearTimeout(timer);
      save();
    }
  };
}
