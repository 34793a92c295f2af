/**
 * The wire shapes of the conversations inbox (`GET /v2/conversations`, per ../shared/CONTRACT.md):
 * its filters and one row. As in common-schemas.ts, they validate requests and generate the
 * OpenAPI document.
 */
import * as z from 'zod';
import { TIMER_KINDS } from '#lib/domain/timer-kinds';
import { MAX_INBOX_QUERY_CHARS, MAX_INBOX_TEXT_CHARS } from '#lib/domain/limits/inbox';
import { idParam, listQuery, timestamp } from '#functions/http/common-schemas';
import { channelSchema, contactSchema } from '#functions/http/conversation-schemas';

const conversationStatus = z.enum(['active', 'handed_off', 'closed']);

/** An ISO-8601 time, normalised to the stored form (UTC, milliseconds) so it compares as text. */
const isoTime = z.iso
  .datetime({ offset: true })
  .transform((value) => new Date(value).toISOString())
  .describe('ISO-8601 time, e.g. 2026-01-31T09:00:00Z.');

export const listInboxQuery = listQuery
  .extend({
    ai_id: idParam.optional().describe("Only this AI's conversations."),
    status: conversationStatus.optional(),
    needs_human: z
      .enum(['true', 'false'])
      .optional()
      .describe('Only conversations that wait (true) or do not wait (false) for a person.'),
    channel: channelSchema.optional(),
    updated_after: isoTime.optional().describe('Only conversations updated at or after this time.'),
    updated_before: isoTime.optional().describe('Only conversations updated before this time.'),
    q: z
      .string()
      .trim()
      .min(1)
      .max(MAX_INBOX_QUERY_CHARS)
      .optional()
      .describe("The start of the contact's first or last name, e-mail, phone or the conversation id, any case."),
  })
  .strict();

export const inboxEntryResponse = z.object({
  conversation_id: z.string(),
  ai_id: z.string(),
  status: conversationStatus,
  needs_human: z.boolean().describe('True from an escalation or a handoff until a person writes or resumes.'),
  contact: contactSchema,
  channel: channelSchema.optional(),
  last_message: z
    .object({
      direction: z.enum(['inbound', 'outbound']),
      kind: z.enum(['prospect', 'reply', 'follow_up', 'nudge', 'human']),
      text: z.string().describe(`The message's first ${MAX_INBOX_TEXT_CHARS} characters.`),
      created_at: timestamp,
    })
    .nullable()
    .describe('Null while the conversation has no message.'),
  message_count: z.number().int(),
  scheduled: z.array(z.object({ kind: z.enum(TIMER_KINDS), at: timestamp })),
  created_at: timestamp,
  updated_at: timestamp,
});
