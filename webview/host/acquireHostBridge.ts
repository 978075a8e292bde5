import { createHostBridge } from './createHostBridge';
import { createDevHostApi } from './devHost';
import type { HostBridge, VsCodeApiLike } from './hostBridge';

/** Provided by VS Code inside a webview; callable once per page. */
declare function acquireVsCodeApi(): VsCodeApiLike;

/**
 * The one place that calls acquireVsCodeApi() (DESIGN.md layout). Outside VS Code it falls back
 * to the dev host, driven by window messages.
 */
export function acquireHostBridge(win: Window): HostBridge {
  const api = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : createDevHostApi(win);
  return createHostBridge(api, win);
}
