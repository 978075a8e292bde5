import type { HostMessage, WebviewMessage } from '../../extension/protocol/webviewMessages';

/**
 * The webview's port to the extension host. Messages in both directions are the typed ones of
 * extension/protocol/webviewMessages.ts; incoming ones are validated before any listener sees them.
 */
export interface HostBridge {
  post(message: WebviewMessage): void;
  /** Listen to validated host messages; returns the unsubscribe function. */
  onMessage(listener: (message: HostMessage) => void): () => void;
  /** The state saved with setState, surviving the panel being hidden or reloaded. */
  getState(): unknown;
  setState(state: unknown): void;
  dispose(): void;
}

/** The part of the object acquireVsCodeApi() returns that the bridge uses. */
export interface VsCodeApiLike {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

/** Where host messages arrive: the webview's window. */
export interface MessageSourceLike {
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}
