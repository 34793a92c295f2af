/**
 * The account's API keys: list, create (the key shown once), rotate (a new key of the same name,
 * the old one stops at once) and revoke. The API refuses to revoke the last key; its words show.
 */
import { useState } from 'preact/hooks';
import { post, remove, segment } from '../api.ts';
import { SecretShownOnce } from '../components/secret-shown-once.tsx';
import { ErrorMessage, Field, Pager, Section, text, When } from '../components/ui.tsx';
import { useAction, usePagedList } from '../hooks.ts';
import { useAnnounce } from '../status.tsx';
import type { ApiKey, CreatedApiKey } from '../types.ts';

const keyName = (key: Pick<ApiKey, 'name' | 'prefix'>) => key.name ?? `${key.prefix}…`;

export function ApiKeysPage() {
  const keys = usePagedList<ApiKey>('/v1/api-keys');
  const [shown, setShown] = useState<CreatedApiKey | null>(null);
  const create = useAction();
  const change = useAction();
  const announce = useAnnounce();

  const onCreate = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const name = text(new FormData(form), 'name');
    const created = await create.run(() => post<CreatedApiKey>('/v1/api-keys', name ? { name } : {}));
    if (!created) return;
    form.reset();
    setShown(created);
    keys.reload();
    announce(`Created the key ${keyName(created)}.`);
  };

  const onRotate = async (key: ApiKey) => {
    if (!confirm(`Replace ${keyName(key)}? Whatever uses it stops working until given the new key.`)) return;
    const rotated = await change.run(() => post<CreatedApiKey>(`/v1/api-keys/${segment(key.id)}/rotate`));
    if (!rotated) return;
    setShown(rotated);
    keys.reload();
    announce(`Replaced the key ${keyName(key)}.`);
  };

  const onRevoke = async (key: ApiKey) => {
    if (!confirm(`Revoke ${keyName(key)}? It stops working at once.`)) return;
    const revoked = await change.run(async () => {
      await remove(`/v1/api-keys/${segment(key.id)}`);
      return true;
    });
    if (!revoked) return;
    if (shown?.id === key.id) setShown(null);
    keys.reload();
    announce(`Revoked the key ${keyName(key)}.`);
  };

  return (
    <>
      <h1 tabIndex={-1}>API keys</h1>
      <p>
        Each key works for this whole account. Signing in here takes one too: if you revoke or rotate the key you signed
        in with, sign in again with another.
      </p>
      {shown && (
        <Section title={`New key: ${keyName(shown)}`}>
          <SecretShownOnce secret={shown.key}>
            Copy this key now: it is shown only once, as Parley keeps only its hash.
          </SecretShownOnce>
        </Section>
      )}
      <Section title="Create a key">
        <form onSubmit={onCreate}>
          <Field label="Key name" name="name" maxLength={200} hint='What it is for, e.g. "Zapier".' />
          <ErrorMessage error={create.error} />
          <button type="submit" disabled={create.pending}>
            Create key
          </button>
        </form>
      </Section>
      <ErrorMessage error={keys.error ?? change.error} />
      <ul class="list">
        {keys.items.map((key) => (
          <li key={key.id} class="card">
            <p>
              <strong>{keyName(key)}</strong> <code>{key.prefix}…</code>
            </p>
            <p class="meta">
              Created <When at={key.created_at} />
            </p>
            <div class="actions">
              <button type="button" class="secondary" onClick={() => onRotate(key)} disabled={change.pending}>
                Rotate <span class="visually-hidden">{keyName(key)}</span>
              </button>
              <button type="button" class="danger" onClick={() => onRevoke(key)} disabled={change.pending}>
                Revoke <span class="visually-hidden">{keyName(key)}</span>
              </button>
            </div>
          </li>
        ))}
      </ul>
      <Pager hasMore={keys.hasMore} loading={keys.loading} onMore={keys.loadMore} />
    </>
  );
}
