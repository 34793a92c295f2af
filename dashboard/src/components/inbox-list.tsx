/**
 * One section of the inbox: its conversations, a row each (who, status, the latest message, how
 * many, what is scheduled, when updated), linked to the conversation, paged by the API's cursor.
 */
import { usePagedList } from '../hooks.ts';
import { href } from '../router.ts';
import type { InboxRow } from '../types.ts';
import { ErrorMessage, Pager, Section, When } from './ui.tsx';

const TIMER_LABELS = { follow_up: 'Follow-up', dropoff: 'Drop-off nudge' } as const;

function contactName(row: InboxRow): string {
  const name = [row.contact.first_name, row.contact.last_name].filter(Boolean).join(' ');
  return name || row.contact.email || row.contact.phone || row.conversation_id;
}

function Row({ row }: { row: InboxRow }) {
  const last = row.last_message;
  return (
    <li class="card inbox-row">
      <p>
        <a href={href('conversations', row.conversation_id)}>{contactName(row)}</a>{' '}
        <span class={`badge ${row.status}`}>{row.status.replace('_', ' ')}</span>
        {row.needs_human && <span class="badge needs-human">needs a person</span>}
      </p>
      <p class="meta">
        {row.conversation_id !== contactName(row) && `${row.conversation_id} · `}
        {row.contact.email && row.contact.email !== contactName(row) && `${row.contact.email} · `}
        {row.message_count} message(s) · updated <When at={row.updated_at} />
      </p>
      {last && (
        <p class="last-message">
          <span class="meta">{last.direction === 'inbound' ? 'Prospect' : last.kind.replace('_', ' ')}:</span>{' '}
          {last.text}
        </p>
      )}
      {row.scheduled.length > 0 && (
        <p class="meta">
          {row.scheduled.map((timer, index) => (
            <span key={timer.kind + timer.at}>
              {index > 0 && ' · '}
              {TIMER_LABELS[timer.kind]} at <When at={timer.at} />
            </span>
          ))}
        </p>
      )}
    </li>
  );
}

export function InboxList({ title, path }: { title: string; path: string }) {
  const list = usePagedList<InboxRow>(path);
  return (
    <Section title={title}>
      <ErrorMessage error={list.error} />
      {!list.loading && list.items.length === 0 && !list.error && !list.hasMore && <p>No conversations here.</p>}
      <ul class="list" aria-label={title}>
        {list.items.map((row) => (
          <Row key={row.conversation_id} row={row} />
        ))}
      </ul>
      <Pager hasMore={list.hasMore} loading={list.loading} onMore={list.loadMore} />
    </Section>
  );
}
