/**
 * The inbox's filters as the page holds them ('' = any) and the `GET /v2/conversations` path they
 * ask for. Needs-human is a filter of its own and also splits the unfiltered inbox in two, so
 * conversations waiting for a person come first whatever their update time.
 */
import type { InboxQuery } from './types.ts';

export interface InboxFilters {
  ai_id: string;
  status: '' | NonNullable<InboxQuery['status']>;
  needs_human: '' | NonNullable<InboxQuery['needs_human']>;
  channel: '' | NonNullable<InboxQuery['channel']>;
  q: string;
}

export const NO_FILTERS: InboxFilters = { ai_id: '', status: '', needs_human: '', channel: '', q: '' };

export const STATUS_OPTIONS = [
  { value: '', label: 'Any status' },
  { value: 'active', label: 'Active' },
  { value: 'handed_off', label: 'Handed off' },
  { value: 'closed', label: 'Closed' },
] as const;

export const NEEDS_HUMAN_OPTIONS = [
  { value: '', label: 'Either' },
  { value: 'true', label: 'Needs a person' },
  { value: 'false', label: 'Does not need a person' },
] as const;

export const CHANNEL_OPTIONS = [
  { value: '', label: 'Any channel' },
  { value: 'email', label: 'E-mail' },
  { value: 'sms', label: 'SMS' },
  { value: 'website', label: 'Website' },
  { value: 'chat', label: 'Chat' },
  { value: 'other', label: 'Other' },
] as const;

/** The list's path for `filters`, with `needs_human` set by the section asking. */
export function inboxPath(filters: InboxFilters, needsHuman: InboxFilters['needs_human']): string {
  const query = new URLSearchParams();
  const wanted: Record<string, string> = { ...filters, needs_human: needsHuman, q: filters.q.trim() };
  for (const [name, value] of Object.entries(wanted)) if (value) query.set(name, value);
  const search = query.toString();
  return search ? `/v2/conversations?${search}` : '/v2/conversations';
}

/** The sections the inbox shows: waiting for a person first, unless the filter picks one side. */
export function inboxSections(filters: InboxFilters): { title: string; needsHuman: InboxFilters['needs_human'] }[] {
  if (filters.needs_human === 'true') return [{ title: 'Needs a person', needsHuman: 'true' }];
  if (filters.needs_human === 'false') return [{ title: 'Handled by the AI', needsHuman: 'false' }];
  return [
    { title: 'Needs a person', needsHuman: 'true' },
    { title: 'Handled by the AI', needsHuman: 'false' },
  ];
}
