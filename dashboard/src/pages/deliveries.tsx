/** Webhook deliveries, failed ones first by default, each failed one retryable by hand. */
import { useState } from 'preact/hooks';
import { post, segment } from '../api.ts';
import { ErrorMessage, Pager, Select, When } from '../components/ui.tsx';
import { useAction, usePagedList } from '../hooks.ts';
import { href } from '../router.ts';
import { useAnnounce } from '../status.tsx';
import type { Delivery } from '../types.ts';

const STATUSES = [
  { value: 'failed', label: 'Failed' },
  { value: 'pending', label: 'Pending' },
  { value: 'succeeded', label: 'Succeeded' },
  { value: '', label: 'All' },
];

export function DeliveriesPage() {
  const [status, setStatus] = useState('failed');
  const deliveries = usePagedList<Delivery>(status ? `/v2/deliveries?status=${status}` : '/v2/deliveries');
  const retry = useAction();
  const announce = useAnnounce();

  const onRetry = async (delivery: Delivery) => {
    const retried = await retry.run(() => post<Delivery>(`/v2/deliveries/${segment(delivery.delivery_id)}/retry`));
    if (!retried) return;
    deliveries.upsert((item) => item.delivery_id === delivery.delivery_id, retried);
    announce('Sent again: the delivery is pending.');
  };

  return (
    <>
      <h1 tabIndex={-1}>Deliveries</h1>
      <Select
        label="Status"
        name="status"
        value={status}
        onChange={(event) => setStatus((event.currentTarget as HTMLSelectElement).value)}
        options={STATUSES}
      />
      <ErrorMessage error={deliveries.error ?? retry.error} />
      {!deliveries.loading && deliveries.items.length === 0 && !deliveries.error && <p>No deliveries here.</p>}
      <ul class="list">
        {deliveries.items.map((delivery) => (
          <li key={delivery.delivery_id} class="card">
            <p>
              <strong>{delivery.type}</strong> <span class={`badge ${delivery.status}`}>{delivery.status}</span> to{' '}
              <code>{delivery.url}</code>
            </p>
            <p class="meta">
              <a href={href('conversations', delivery.conversation_id)}>{delivery.conversation_id}</a> ·{' '}
              {delivery.attempts} attempt(s) · <When at={delivery.created_at} />
              {delivery.last_status_code !== null && ` · last status ${delivery.last_status_code}`}
            </p>
            {delivery.last_error && <p class="doc-error">{delivery.last_error}</p>}
            {delivery.status === 'failed' && (
              <button type="button" onClick={() => onRetry(delivery)} disabled={retry.pending}>
                Retry{' '}
                <span class="visually-hidden">
                  {delivery.type} to {delivery.url}
                </span>
              </button>
            )}
          </li>
        ))}
      </ul>
      <Pager hasMore={deliveries.hasMore} loading={deliveries.loading} onMore={deliveries.loadMore} />
    </>
  );
}
