import { useEffect, useRef, useState } from 'react';

/**
 * The value, but changed at most once every `intervalMs`: the latest one shows at the end of each
 * interval. For views whose drawing costs more than a frame and whose change a person reads over
 * seconds (the spend chart redrawn 60 times a second took most of each frame).
 */
export function useThrottled<T>(value: T, intervalMs: number): T {
  const [shown, setShown] = useState(value);
  const lastShown = useRef(0);
  useEffect(() => {
    if (Object.is(value, shown)) return;
    const show = () => {
      lastShown.current = Date.now();
      setShown(value);
    };
    const wait = lastShown.current + intervalMs - Date.now();
    if (wait <= 0) {
      show();
      return;
    }
    const id = setTimeout(show, wait);
    return () => clearTimeout(id);
  }, [value, shown, intervalMs]);
  return shown;
}
