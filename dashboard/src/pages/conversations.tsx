/**
 * Finding a conversation. The API has no list of conversations; it does list webhook deliveries
 * (newest first, paged), and every answer, follow-up and escalation is one, so the conversations
 * with recent activity are read from there. Any conversation opens by its id.
 */
import { useMemo } from 'preact/hooks';
import { ErrorMessage, Field, Pager, Section, text, When } from '../components/ui.tsx';
import { usePagedList } from '../hooks.ts';
import { href, navigate } from '../router.ts';
import type { Delivery } from '../types.ts';

export function ConversationsPage() {
  const deliveries = usePagedList<Delivery>('/v2/deliveries');
  // One row per conversation, at its newest delivery (the list is newest first).
  const recent = useMemo(() => {
    const seen = new Map<string, Delivery>();
    for (const delivery of deliveries.items)
      if (!seen.has(delivery.conversation_id)) seen.set(delivery.conversation_id, delivery);
    return [...seen.values()];
  }, [deliveries.items]);

  const onOpen = (event: Event) => {
    event.preventDefault();
    const id = text(new FormData(event.currentTarget as HTMLFormElement), 'conversation_id');
    if (id) navigate('conversations', id);
  };

  return (
    <>
      <h1 tabIndex={-1}>Conversations</h1>
      <Section title="Open a conversation">
        <form class="inline" onSubmit={onOpen}>
          <Field
            label="Conversation ID"
            name="conversation_id"
            required
            hint="Your own id for the thread: an e-mail address, a phone number, a ticket id."
          />
          <button type="submit">Open</button>
        </form>
      </Section>
      <Section title="Recent activity">
        <ErrorMessage error={deliveries.error} />
        {!deliveries.loading && recent.length === 0 && !deliveries.error && (
          <p>No conversation has had an answer yet.</p>
        )}
        <ul class="list">
          {recent.map((delivery) => (
            <li key={delivery.conversation_id}>
              <a href={href('conversations', delivery.conversation_id)}>{delivery.conversation_id}</a>{' '}
              <span class="meta">
                {delivery.type} · <When at={delivery.created_at} />
              </span>
            </li>
          ))}
        </ul>
        <Pager hasMore={deliveries.hasMore} loading={deliveries.loading} onMore={deliveries.loadMore} />
      </Section>
    </>
  );
}
