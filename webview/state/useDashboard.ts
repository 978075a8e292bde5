import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { DashboardState, DashboardStore } from './store';

/** The store of this panel, provided once by main.tsx (no module-level singleton). */
export const DashboardStoreContext = createContext<DashboardStore | null>(null);

export function useDashboardStore(): DashboardStore {
  const store = useContext(DashboardStoreContext);
  if (!store) throw new Error('useDashboard outside DashboardStoreContext');
  return store;
}

/**
 * Subscribe a component to a slice of the dashboard state. Selectors must return stored values
 * (or primitives); derive anything new with useMemo over them, so renders stay stable.
 */
export function useDashboard<T>(selector: (state: DashboardState) => T): T {
  return useStore(useDashboardStore(), selector);
}
