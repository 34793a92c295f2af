/** Inbox rows → the contract's snake_case JSON. */
import type { z } from 'zod';
import type { InboxEntry } from '#lib/domain/inbox';
import type { inboxEntryResponse } from '#functions/http/inbox-schemas';
import { compact } from '#functions/http/presenters/compact';
import { presentContact } from '#functions/http/presenters/conversation-presenters';

export function presentInboxEntry(entry: InboxEntry): z.output<typeof inboxEntryResponse> {
  const last = entry.lastMessage;
  return compact({
    conversation_id: entry.id,
    ai_id: entry.aiId,
    status: entry.status,
    needs_human: entry.needsHuman,
    contact: presentContact(entry.contact),
    channel: entry.channel,
    last_message:
      last === undefined
        ? null
        : { direction: last.direction, kind: last.kind, text: last.text, created_at: last.createdAt },
    message_count: entry.messageCount,
    scheduled: (entry.scheduled ?? []).map(({ kind, at }) => ({ kind, at })),
    created_at: entry.createdAt,
    updated_at: entry.updatedAt,
  });
}
