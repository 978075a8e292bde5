import assert from 'node:assert/strict';
import { initialRunState } from '../../../extension/protocol/runState';
import { hostMessages, webviewMessages, type HostMessage, type WebviewMessage } from '../../../extension/protocol/webviewMessages';
import { connectStore, restoredStoreOptions } from '../../../webview/host/connectStore';
import { createHostBridge } from '../../../webview/host/createHostBridge';
import type { MessageSourceLike, VsCodeApiLike } from '../../../webview/host/hostBridge';
import { createDashboardStore } from '../../../webview/state/store';
import { loadRecordedRun } from './recordedRun';

function fakes() {
  const posted: unknown[] = [];
  let saved: unknown;
  const api: VsCodeApiLike = { postMessage: (m) => posted.push(m), getState: () => saved, setState: (s) => (saved = s) };
  const listeners = new Set<(e: { data: unknown }) => void>();
  const source: MessageSourceLike = {
    addEventListener: (_t, l) => listeners.add(l),
    removeEventListener: (_t, l) => listeners.delete(l),
  };
  const deliver = (data: unknown) => [...listeners].forEach((l) => l({ data }));
  return { api, source, posted, deliver, listeners, saved: () => saved };
}

describe('webview/host bridge', () => {
  it('delivers valid host messages, drops and logs invalid ones, survives a throwing listener', () => {
    const f = fakes();
    const logged: string[] = [];
    const bridge = createHostBridge(f.api, f.source, { log: (m) => logged.push(m) });
    const got: HostMessage[] = [];
    bridge.onMessage(() => {
      throw new Error('boom');
    });
    bridge.onMessage((m) => got.push(m));
    f.deliver({ type: 'state/didSnapshot', state: initialRunState() });
    f.deliver({ type: 'state/didSnapshot' });
    f.deliver({ type: 'run/didEmit', event: { seq: 'one' } });
    f.deliver('hello');
    f.deliver(null);
    f.deliver({ type: 'unknown/didThing' });
    assert.equal(got.length, 1);
    assert.equal(logged.filter((l) => l.startsWith('[loom] dropped host message')).length, 5);
    assert.equal(logged.filter((l) => l.includes('listener failed')).length, 1);
    bridge.dispose();
    assert.equal(f.listeners.size, 0);
  });

  it('posts only valid webview messages', () => {
    const f = fakes();
    const logged: string[] = [];
    const bridge = createHostBridge(f.api, f.source, { log: (m) => logged.push(m) });
    bridge.post(webviewMessages.resolveEscalation('esc-2', 'theirs'));
    bridge.post({ type: 'escalation/resolve', escalationId: '', choice: 'theirs' } as WebviewMessage);
    assert.deepEqual(f.posted, [{ type: 'escalation/resolve', escalationId: 'esc-2', choice: 'theirs' }]);
    assert.match(logged[0], /not sent: invalid webview message 'escalation\/resolve'/);
  });

  it('connectStore: ready at start, host messages feed the store, gaps ask again, state is saved and restored', async () => {
    const events = loadRecordedRun();
    const f = fakes();
    const bridge = createHostBridge(f.api, f.source, { log: () => {} });
    const store = createDashboardStore({ log: () => {} });
    // Frames by hand: what arrives between two frames is folded at the next one, in one store update.
    const frames: (() => void)[] = [];
    const nextFrame = () => frames.splice(0).forEach((f) => f());
    const clock = { requestFrame: (f: () => void) => frames.push(f), cancelFrame: () => {} };
    const stop = connectStore(store, bridge, { saveDelayMs: 5, liveSaveDelayMs: 5, clock });
    assert.deepEqual(f.posted, [{ type: 'webview/didReady' }]);
    let updates = 0;
    const stopCounting = store.subscribe(() => updates++);
    for (const e of events.slice(0, 100)) f.deliver(hostMessages.emit(e));
    assert.equal(store.getState().run.lastSeq, -1, 'nothing folded before the frame');
    nextFrame();
    assert.equal(store.getState().run.lastSeq, 99);
    assert.equal(updates, 1, '100 events, one store update');
    stopCounting();
    f.deliver(hostMessages.emit(events[150]));
    nextFrame();
    assert.deepEqual(f.posted, [{ type: 'webview/didReady' }, { type: 'webview/didReady' }]);
    await new Promise((r) => setTimeout(r, 30));
    stop();
    const restored = createDashboardStore({ initial: restoredStoreOptions(bridge) });
    assert.equal(restored.getState().run.lastSeq, 99);
    assert.equal(restored.getState().run.runId, 'run-7f3a2c');
  });
});
