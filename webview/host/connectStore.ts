import { webviewMessages, type HostMessage } from '../../extension/protocol/webviewMessages';
import { fromPersisted, toPersisted } from '../state/persisted';
import type { DashboardStore, DashboardStoreOptions } from '../state/store';
import { createFrameBatcher, type FrameClock } from './frameBatcher';
import type { HostBridge } from './hostBridge';

/** The state saved in a previous life of this panel, for createDashboardStore. */
export function restoredStoreOptions(bridge: HostBridge, log: (m: string) => void = (m) => console.warn(m)): DashboardStoreOptions['initial'] {
  const restored = fromPersisted(bridge.getState());
  if (restored.ok) return restored.data;
  if (restored.reason !== 'nothing saved') log(`[loom] ignored saved panel state: ${restored.reason}`);
  return undefined;
}

/**
 * Wire a store to the host: host messages feed the store once a frame (all that arrived since the
 * last frame in one update, so 200 events a second cost one render a frame), `webview/didReady` asks for a snapshot
 * at start and again whenever the store sees a gap, and the state is saved (debounced) with
 * setState. Returns the function that undoes all of it.
 */
export function connectStore(store: DashboardStore, bridge: HostBridge, options: { saveDelayMs?: number; liveSaveDelayMs?: number; clock?: FrameClock } = {}): () => void {
  // A save serializes the run and its last events: soon after the person changed something, and at
  // most every few seconds while events stream (the host's snapshot brings the newest anyway).
  const saveDelayMs = options.saveDelayMs ?? 250;
  const liveSaveDelayMs = options.liveSaveDelayMs ?? 3000;
  const batcher = createFrameBatcher<HostMessage>((messages) => store.getState().applyHostMessages(messages), { clock: options.clock });
  const stopMessages = bridge.onMessage((message) => batcher.push(message));
  let timer: ReturnType<typeof setTimeout> | undefined;
  let dueAt = 0;
  const save = () => {
    timer = undefined;
    // The live run is saved, never a moment the timeline shows: a reload follows the run again.
    const { live, ui } = store.getState();
    bridge.setState(toPersisted({ ...live, ui }));
  };
  const saveWithin = (delayMs: number) => {
    if (timer !== undefined && dueAt <= Date.now() + delayMs) return;
    if (timer !== undefined) clearTimeout(timer);
    dueAt = Date.now() + delayMs;
    timer = setTimeout(save, delayMs);
  };
  const stopStore = store.subscribe((state, previous) => {
    if (state.needsSnapshot && !previous.needsSnapshot) bridge.post(webviewMessages.ready());
    if (state.ui !== previous.ui) saveWithin(saveDelayMs);
    else if (state.live !== previous.live) saveWithin(liveSaveDelayMs);
  });
  bridge.post(webviewMessages.ready());
  return () => {
    stopMessages();
    batcher.dispose();
    stopStore();
    if (timer !== undefined) {
      clearTimeout(timer);
      save();
    }
  };
}
