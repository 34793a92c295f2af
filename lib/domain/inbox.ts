/**
 * The conversations inbox: what one row shows (kept on the conversation, so a page is one index
 * query) and which rows a filter keeps. Pure: the stores keep the row, the use case lists it.
 */
import { MAX_INBOX_TEXT_CHARS } from '#lib/domain/limits/inbox';
import type {
  Channel,
  Contact,
  Conversation,
  ConversationStatus,
  Message,
  MessageDirection,
  MessageKind,
} from '#lib/domain/types';

/** A conversation's latest message as an inbox row shows it, its text cut to MAX_INBOX_TEXT_CHARS. */
export interface LastMessage {
  /** The message's id: later messages (ids are time-ordered) replace it, earlier ones do not. */
  id: string;
  direction: MessageDirection;
  kind: MessageKind;
  text: string;
  createdAt: string;
}

/** What the inbox keeps about a conversation's messages. */
export interface InboxSummary {
  lastMessage?: LastMessage;
  messageCount: number;
}

/** One inbox row: the conversation without its settings, with the summary of its messages. */
export type InboxEntry = Pick<
  Conversation,
  'tenantId' | 'id' | 'aiId' | 'status' | 'contact' | 'channel' | 'scheduled' | 'createdAt' | 'updatedAt'
> &
  InboxSummary & { needsHuman: boolean };

/** What `GET /v2/conversations` may filter on; every field narrows. */
export interface InboxFilter {
  aiId?: string;
  status?: ConversationStatus;
  needsHuman?: boolean;
  channel?: Channel;
  /** Updated at or after this ISO time. */
  updatedAfter?: string;
  /** Updated before this ISO time. */
  updatedBefore?: string;
  /** Matches the start of the contact's names, e-mail, phone or the conversation id, ignoring case. */
  q?: string;
}

/** The lowercased strings `q` is matched against the start of (absent ones left out). */
export interface SearchKeys {
  firstName?: string;
  lastName?: string;
  fullName?: string;
  email?: string;
  phone?: string;
  id: string;
}

/** The last message as a row shows it. */
export function toLastMessage(message: Message): LastMessage {
  return {
    id: message.id,
    direction: message.direction,
    kind: message.kind,
    text: message.text.length > MAX_INBOX_TEXT_CHARS ? message.text.slice(0, MAX_INBOX_TEXT_CHARS) : message.text,
    createdAt: message.createdAt,
  };
}

/** The summary of a conversation's messages (oldest first), as the backfill computes it. */
export function summarizeMessages(messages: readonly Message[]): InboxSummary {
  const last = messages.at(-1);
  return last === undefined ? { messageCount: 0 } : { lastMessage: toLastMessage(last), messageCount: messages.length };
}

/** The keys `q` matches; lowercased once on write, so a search compares them as stored. */
export function searchKeysOf(conversationId: string, contact: Contact): SearchKeys {
  const lower = (value: string | undefined) => {
    const trimmed = value?.trim().toLowerCase();
    return trimmed ? trimmed : undefined;
  };
  const firstName = lower(contact.firstName);
  const lastName = lower(contact.lastName);
  const fullName = firstName && lastName ? `${firstName} ${lastName}` : undefined;
  const keys: SearchKeys = { id: conversationId.toLowerCase() };
  for (const [name, value] of Object.entries({
    firstName,
    lastName,
    fullName,
    email: lower(contact.email),
    phone: lower(contact.phone),
  })) {
    if (value !== undefined) keys[name as keyof Omit<SearchKeys, 'id'>] = value;
  }
  return keys;
}

/** The names of SearchKeys' fields, for a store that matches `q` against each. */
export const SEARCH_KEY_FIELDS = ['firstName', 'lastName', 'fullName', 'email', 'phone', 'id'] as const;

/** Whether a row passes the filter (the in-memory twin of the DynamoDB query and FilterExpression). */
export function matchesInboxFilter(entry: InboxEntry, filter: InboxFilter): boolean {
  if (filter.aiId !== undefined && entry.aiId !== filter.aiId) return false;
  if (filter.status !== undefined && entry.status !== filter.status) return false;
  if (filter.needsHuman !== undefined && entry.needsHuman !== filter.needsHuman) return false;
  if (filter.channel !== undefined && entry.channel !== filter.channel) return false;
  if (filter.updatedAfter !== undefined && entry.updatedAt < filter.updatedAfter) return false;
  if (filter.updatedBefore !== undefined && entry.updatedAt >= filter.updatedBefore) return false;
  if (filter.q !== undefined) {
    const q = filter.q.toLowerCase();
    const keys = searchKeysOf(entry.id, entry.contact);
    if (!SEARCH_KEY_FIELDS.some((field) => keys[field]?.startsWith(q))) return false;
  }
  return true;
}
