/**
 * Calls `read` every `intervalMs` while the component is mounted and `enabled`: the next call is
 * timed from the end of the previous one, so a slow answer never overlaps the next request, and
 * leaving the page stops it.
 */
import { useEffect, useRef } from 'preact/hooks';

export function usePolling(read: () => Promise<unknown>, intervalMs: number, enabled = true): void {
  // The newest `read` (it closes over the page's state) without restarting the loop on every render.
  const latest = useRef(read);
  latest.current = read;
  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      await latest.current().catch(() => undefined);
      if (!stopped) timer = setTimeout(tick, intervalMs);
    };
    timer = setTimeout(tick, intervalMs);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [intervalMs, enabled]);
}
