/**
 * The inbox: the tenant's conversations, those waiting for a person first, filtered by AI, status,
 * needs-human and channel, searched by the start of the contact's name, e-mail, phone or the
 * conversation id. A conversation also opens by its id.
 */
import { useEffect, useState } from 'preact/hooks';
import { getAll } from '../api.ts';
import { InboxList } from '../components/inbox-list.tsx';
import { Field, type Option, Section, Select, text } from '../components/ui.tsx';
import {
  CHANNEL_OPTIONS,
  type InboxFilters,
  inboxPath,
  inboxSections,
  NEEDS_HUMAN_OPTIONS,
  NO_FILTERS,
  STATUS_OPTIONS,
} from '../inbox-filters.ts';
import { navigate } from '../router.ts';
import type { Ai } from '../types.ts';
import { MAX_INBOX_QUERY_CHARS } from '#lib/domain/limits/inbox';

/** The inbox's drop-down filters, in the order shown; the AIs are the account's own. */
function filterSelects(
  ais: readonly Ai[],
): { name: Exclude<keyof InboxFilters, 'q'>; label: string; options: readonly Option[] }[] {
  return [
    {
      name: 'ai_id',
      label: 'AI',
      options: [{ value: '', label: 'Any AI' }, ...ais.map((ai) => ({ value: ai.id, label: ai.name }))],
    },
    { name: 'status', label: 'Status', options: STATUS_OPTIONS },
    { name: 'needs_human', label: 'Needs a person', options: NEEDS_HUMAN_OPTIONS },
    { name: 'channel', label: 'Channel', options: CHANNEL_OPTIONS },
  ];
}

export function ConversationsPage() {
  const [filters, setFilters] = useState<InboxFilters>(NO_FILTERS);
  const [ais, setAis] = useState<Ai[]>([]);
  useEffect(() => {
    // The AI filter still works by id without the names: a failed read leaves only "Any AI".
    getAll<Ai>('/v1/ais').then(setAis, () => setAis([]));
  }, []);

  const choose = (name: keyof InboxFilters) => (event: Event) =>
    setFilters({ ...filters, [name]: (event.currentTarget as HTMLSelectElement).value });

  const onSearch = (event: Event) => {
    event.preventDefault();
    setFilters({ ...filters, q: text(new FormData(event.currentTarget as HTMLFormElement), 'q') ?? '' });
  };

  const onOpen = (event: Event) => {
    event.preventDefault();
    const id = text(new FormData(event.currentTarget as HTMLFormElement), 'conversation_id');
    if (id) navigate('conversations', id);
  };

  return (
    <>
      <h1 tabIndex={-1}>Conversations</h1>
      <Section title="Find conversations">
        <form class="inline" onSubmit={onSearch}>
          <Field
            label="Search"
            name="q"
            type="search"
            maxLength={MAX_INBOX_QUERY_CHARS}
            hint="The start of a name, e-mail address, phone number or conversation ID."
          />
          <button type="submit">Search</button>
        </form>
        <div class="filters">
          {filterSelects(ais).map((filter) => (
            <Select
              key={filter.name}
              label={filter.label}
              name={filter.name}
              value={filters[filter.name]}
              onChange={choose(filter.name)}
              options={filter.options}
            />
          ))}
        </div>
      </Section>
      {inboxSections(filters).map((section) => (
        <InboxList key={section.needsHuman} title={section.title} path={inboxPath(filters, section.needsHuman)} />
      ))}
      <Section title="Open a conversation">
        <form class="inline" onSubmit={onOpen}>
          <Field label="Conversation ID" name="conversation_id" required hint="Your own id for the thread." />
          <button type="submit">Open</button>
        </form>
      </Section>
    </>
  );
}
