/**
 * The wire shapes of conversations (snake_case, per ../shared/CONTRACT.md): the client's id for a
 * thread, the contact, and a conversation as read back. V1 and V2 share them, so the two cannot drift.
 */
import * as z from 'zod';
import { CONFIDENCE_LEVELS } from '#lib/domain/confidence';
import { TIMER_KINDS } from '#lib/domain/timer-kinds';
import { MAX_CONVERSATION_ID_CHARS } from '#lib/domain/limits/messages';
import { MAX_NAME_CHARS } from '#lib/domain/limits/setup';
import { isTimeZone } from '#lib/domain/time-zone';
import { timestamp } from '#functions/http/common-schemas';

export const conversationIdSchema = z
  .string()
  .trim()
  .min(1)
  .max(MAX_CONVERSATION_ID_CHARS)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters')
  .describe(
    "The client's own id for the thread (an e-mail address, a phone number, a ticket id), unique within the account.",
  );

export const outputFormatSchema = z.enum(['text', 'html']);
export const channelSchema = z.enum(['email', 'sms', 'website', 'chat', 'other']);

export const contactSchema = z
  .object({
    first_name: z.string().max(MAX_NAME_CHARS).optional(),
    last_name: z.string().max(MAX_NAME_CHARS).optional(),
    email: z.email().max(320).optional(),
    phone: z.string().max(40).optional(),
    timezone: z.string().max(64).refine(isTimeZone, 'not an IANA time zone, e.g. "Europe/Paris"').optional(),
    handles: z.record(z.string().max(50), z.string().max(200)).optional(),
  })
  .strict();

export const citationResponse = z.object({ document_id: z.string(), title: z.string(), snippet: z.string() });

export const conversationResponse = z.object({
  conversation_id: z.string(),
  ai_id: z.string(),
  status: z.enum(['active', 'handed_off', 'closed']),
  needs_human: z.boolean().describe('True from an escalation or a handoff until a person writes or resumes.'),
  contact: contactSchema,
  channel: channelSchema.optional(),
  messages: z.array(
    z.object({
      message_id: z.string(),
      direction: z.enum(['inbound', 'outbound']),
      kind: z.enum(['prospect', 'reply', 'follow_up', 'nudge', 'human']),
      text: z.string(),
      created_at: timestamp,
      status: z.enum(['queued', 'answering', 'answered', 'escalated', 'failed']).optional(),
      confidence: z
        .enum(CONFIDENCE_LEVELS)
        .optional()
        .describe('AI replies: how well grounded the AI judged its answer.'),
      citations: z.array(citationResponse).optional().describe('AI replies: the knowledge the answer drew on.'),
    }),
  ),
  scheduled: z
    .array(z.object({ kind: z.enum(TIMER_KINDS), at: timestamp }))
    .describe('Follow-ups and nudges Parley will send, soonest first.'),
  created_at: timestamp,
  updated_at: timestamp,
});
