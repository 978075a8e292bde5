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
import './styles/runList.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { acquireHostBridge } from './host/acquireHostBridge';
import { connectStore, restoredStoreOptions } from './host/connectStore';
import { HostContext } from './host/hostContext';
import { keepDerivedViewsCurrent } from './state/derivedViews';
import { createDashboardStore } from './state/store';
import { DashboardStoreContext } from './state/useDashboard';
import { connectRunList, createRunListStore } from './state/runListStore';
import { RunListContext } from './views/RunList';

/** Composition root of the webview: one bridge, one store, wired together, then the React tree. */
function boot(): void {
  const bridge = acquireHostBridge(window);
  const store = createDashboardStore({ initial: restoredStoreOptions(bridge) });
  const runList = createRunListStore();
  const disconnectRunList = connectRunList(runList, bridge);
  const stopViews = keepDerivedViewsCurrent(store);
  const disconnect = connectStore(store, bridge);
  const container = document.getElementById('root') ?? document.body.appendChild(document.createElement('div'));
  const root = createRoot(container);
  root.render(
    <StrictMode>
      <HostContext.Provider value={bridge}>
        <DashboardStoreContext.Provider value={store}>
          <RunListContext.Provider value={runList}>
            <App />
          </RunListContext.Provider>
        </DashboardStoreContext.Provider>
      </HostContext.Provider>
    </StrictMode>,
  );
  window.addEventListener('pagehide', () => {
    disconnect();
    stopViews();
    disconnectRunList();
    root.unmount();
    bridge.dispose();
  });
}

boot();
