import { createContext, useContext } from 'react';
import type { HostBridge } from './hostBridge';

/** The bridge of this panel, provided once by main.tsx. */
export const HostContext = createContext<HostBridge | null>(null);

export function useHost(): HostBridge {
  const bridge = useContext(HostContext);
  if (!bridge) throw new Error('useHost outside HostContext');
  return bridge;
}
