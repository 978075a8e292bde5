import { parseHostMessage, parseWebviewMessage, type HostMessage, type WebviewMessage } from '../../extension/protocol/webviewMessages';
import type { HostBridge, MessageSourceLike, VsCodeApiLike } from './hostBridge';

export interface HostBridgeOptions {
  /** Where dropped messages are reported; defaults to console.warn. */
  log?: (message: string) => void;
}

/**
 * A HostBridge over a vscode-like API and a message source. A host message that does not
 * validate is dropped and logged; a listener that throws is logged too. Neither reaches the UI.
 */
export function createHostBridge(api: VsCodeApiLike, source: MessageSourceLike, options: HostBridgeOptions = {}): HostBridge {
  const log = options.log ?? ((m: string) => console.warn(m));
  const listeners = new Set<(message: HostMessage) => void>();
  const onWindowMessage = (event: { data: unknown }) => {
    const parsed = parseHostMessage(event.data);
    if (!parsed.ok) {
      log(`[loom] dropped host message: ${parsed.error}`);
      return;
    }
    for (const listener of [...listeners]) {
      try {
        listener(parsed.message);
      } catch (err) {
        log(`[loom] host message listener failed on ${parsed.message.type}: ${String(err)}`);
      }
    }
  };
  source.addEventListener('message', onWindowMessage);
  let disposed = false;
  return {
    post(message: WebviewMessage) {
      const checked = parseWebviewMessage(message);
      if (!checked.ok) {
        // A programming error on this side: say so instead of sending the host something it will reject.
        log(`[loom] not sent: ${checked.error}`);
        return;
      }
      api.postMessage(checked.message);
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getState: () => api.getState(),
    setState: (state) => api.setState(state),
    dispose() {
      if (disposed) return;
      disposed = true;
      listeners.clear();
      source.removeEventListener('message', onWindowMessage);
    },
  };
}
