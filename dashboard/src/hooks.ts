/** Data hooks: one cursor-paged list, and one async action with its pending state and error. */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { get, type Page, pagePath } from './api.ts';

export interface PagedList<T> {
  items: T[];
  loading: boolean;
  error: unknown;
  hasMore: boolean;
  loadMore(): void;
  reload(): void;
  /** Replaces the matching item in place (after an edit, a poll or a retry), or adds it first. */
  upsert(match: (item: T) => boolean, next: T): void;
}

/** A list read page by page (PAGE_SIZE items) through the API's `next_cursor`. */
export function usePagedList<T>(path: string | null): PagedList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);
  // Only the newest request may fill the list: a slow page of the previous filter arrives late.
  const latest = useRef(0);

  const load = useCallback(
    async (from: string | null, replace: boolean) => {
      if (!path) return;
      const request = ++latest.current;
      setLoading(true);
      setError(null);
      try {
        const page = await get<Page<T>>(pagePath(path, from));
        if (request !== latest.current) return;
        setItems((previous) => (replace ? page.data : [...previous, ...page.data]));
        setCursor(page.next_cursor);
      } catch (failure) {
        if (request === latest.current) setError(failure);
      } finally {
        if (request === latest.current) setLoading(false);
      }
    },
    [path],
  );

  // `generation` changes on reload(): the list starts again from its first page.
  useEffect(() => {
    setItems([]);
    setCursor(null);
    void load(null, true);
  }, [load, generation]);

  return {
    items,
    loading,
    error,
    hasMore: cursor !== null,
    loadMore: () => void load(cursor, false),
    reload: () => setGeneration((n) => n + 1),
    upsert: (match, next) =>
      setItems((previous) =>
        previous.some(match) ? previous.map((item) => (match(item) ? next : item)) : [next, ...previous],
      ),
  };
}

/** Runs `action` with a pending flag; its error is kept for <ErrorMessage>. */
export function useAction() {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async <T>(action: () => Promise<T>): Promise<T | undefined> => {
    setPending(true);
    setError(null);
    try {
      return await action();
    } catch (failure) {
      setError(failure);
      return undefined;
    } finally {
      setPending(false);
    }
  }, []);
  return { pending, error, run };
}
