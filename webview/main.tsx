import '@vscode/codicons/dist/codicon.css';
import './styles/base.css';
import './styles/header.css';
import './styles/timeline.css';
import './styles/spec.css';
import './styles/plan.css';
import './styles/agents.css';
import './styles/traces.css';
import './styles/spend.css';
import './styles/escalations.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { acquireHostBridge } from './host/acquireHostBridge';
import { connectStore, restoredStoreOptions } from './host/connectStore';
import { HostContext } from './host/hostContext';
import { createDashboardStore } from './state/store';
import { DashboardStoreContext } from './state/useDashboard';

/** Composition root of the webview: one bridge, one store, wired together, then the React tree. */
function boot(): void {
  const bridge = acquireHostBridge(window);
  const store = createDashboardStore({ initial: restoredStoreOptions(bridge) });
  const disconnect = connectStore(store, bridge);
  const container = document.getElementById('root') ?? document.body.appendChild(document.createElement('div'));
  const root = createRoot(container);
  root.render(
    <StrictMode>
      <HostContext.Provider value={bridge}>
        <DashboardStoreContext.Provider value={store}>
          <App />
        </DashboardStoreContext.Provider>
      </HostContext.Provider>
    </StrictMode>,
  );
  window.addEventListener('pagehide', () => {
    disconnect();
    root.unmount();
    bridge.dispose();
  });
}

boot();
