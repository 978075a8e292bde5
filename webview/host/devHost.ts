import type { VsCodeApiLike } from './hostBridge';

/** The DOM event a dev host dispatches on the window for each message the webview posts. */
export const DEV_HOST_POST_EVENT = 'loom-dev-host:post';

/**
 * Stands in for acquireVsCodeApi() when the bundle runs in a plain browser page (development,
 * screenshots). Host messages are driven with `window.postMessage(message, '*')`, exactly as VS Code
 * delivers them; what the webview posts is dispatched as a `loom-dev-host:post` CustomEvent and logged.
 * State lives in sessionStorage, so a reload restores it like a hidden panel does.
 */
export function createDevHostApi(win: Window, storageKey = 'loom-dev-host-state'): VsCodeApiLike {
  return {
    postMessage(message: unknown) {
      console.info('[loom dev host] webview posted', message);
      win.dispatchEvent(new CustomEvent(DEV_HOST_POST_EVENT, { detail: message }));
    },
    getState() {
      const raw = safe(() => win.sessionStorage.getItem(storageKey));
      if (!raw) return undefined;
      return safe(() => JSON.parse(raw) as unknown);
    },
    setState(state: unknown) {
      safe(() => win.sessionStorage.setItem(storageKey, JSON.stringify(state)));
    },
  };
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
