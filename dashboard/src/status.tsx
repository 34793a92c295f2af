/**
 * One polite live region for the whole app: screen readers hear "Saved", "Refund policy is ready"
 * and the like without focus moving. It is always in the page (a region that appears only with its
 * message is missed by some screen readers), and empty until there is something to say.
 */
import { type ComponentChildren, createContext } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';

/**
 * A message said just before the page changes is about that change ("Saved Ada." on the way back
 * to the list) and stays; an older one was about the page left behind, and goes.
 */
const CARRY_OVER_MS = 1_000;

const StatusContext = createContext<{ text: string; announce: (text: string) => void }>({
  text: '',
  announce: () => {},
});

export function StatusProvider({ children }: { children: ComponentChildren }) {
  const [text, setText] = useState('');
  const saidAt = useRef(0);
  const announce = useCallback((next: string) => {
    saidAt.current = Date.now();
    setText(next);
  }, []);
  useEffect(() => {
    const onNavigate = () => {
      if (Date.now() - saidAt.current > CARRY_OVER_MS) setText('');
    };
    addEventListener('hashchange', onNavigate);
    return () => removeEventListener('hashchange', onNavigate);
  }, []);
  return <StatusContext.Provider value={{ text, announce }}>{children}</StatusContext.Provider>;
}

export function StatusRegion() {
  const { text } = useContext(StatusContext);
  return (
    <p class="status" role="status" aria-live="polite">
      {text}
    </p>
  );
}

export const useAnnounce = () => useContext(StatusContext).announce;
