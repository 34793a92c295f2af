/**
 * Replacing an AI's webhook secret (after a leak, or on a schedule): the new one is shown once,
 * as the API returns it only then; the old one stops signing at once.
 */
import { useState } from 'preact/hooks';
import { post, segment } from '../api.ts';
import { useAction } from '../hooks.ts';
import { useAnnounce } from '../status.tsx';
import type { RotatedAi } from '../types.ts';
import { SecretShownOnce } from './secret-shown-once.tsx';
import { ErrorMessage, Section } from './ui.tsx';

export function RotateSecret({ aiId, aiName }: { aiId: string; aiName: string }) {
  const [secret, setSecret] = useState<string | null>(null);
  const rotation = useAction();
  const announce = useAnnounce();

  const onRotate = async () => {
    if (!confirm(`Replace ${aiName}'s webhook secret? Receivers checking the old one will refuse its webhooks.`))
      return;
    const rotated = await rotation.run(() => post<RotatedAi>(`/v1/ais/${segment(aiId)}/rotate-secret`));
    if (!rotated) return;
    setSecret(rotated.webhook_secret);
    announce('The webhook secret was replaced.');
  };

  return (
    <Section title="Webhook secret">
      {secret ? (
        <SecretShownOnce secret={secret}>
          The new webhook secret, shown only now: give it to your receivers, as the old one no longer signs.
        </SecretShownOnce>
      ) : (
        <p>Parley signs every webhook with this AI's secret. Replace it if it may have leaked.</p>
      )}
      <ErrorMessage error={rotation.error} />
      <button type="button" class="secondary" onClick={onRotate} disabled={rotation.pending}>
        Rotate webhook secret
      </button>
    </Section>
  );
}
