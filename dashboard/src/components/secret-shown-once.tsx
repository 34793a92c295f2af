/** A secret the API returns only once (an API key, a webhook secret), with a button to copy it. */
import type { ComponentChildren } from 'preact';
import { useAnnounce } from '../status.tsx';

export function SecretShownOnce({ secret, children }: { secret: string; children: ComponentChildren }) {
  const announce = useAnnounce();
  const onCopy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      announce('Copied.');
    } catch {
      // The clipboard is refused outside a secure context or without permission: the text stays selectable.
      announce('Copying was refused by the browser: select the text and copy it.');
    }
  };
  return (
    <div class="secret-once">
      <p>{children}</p>
      <p>
        <code class="secret">{secret}</code>{' '}
        <button type="button" class="secondary" onClick={onCopy}>
          Copy
        </button>
      </p>
    </div>
  );
}
