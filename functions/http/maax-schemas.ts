/**
 * The wire shapes of the Maax-compatible `/api/*` endpoints (../shared/CONTRACT.md, "Maax-compatible
 * endpoints"): Maax AI's field names, so a Zap written for Maax moves over by changing its base URL
 * and key. Maax clients send ids as numbers or strings and often send blank fields, so ids are
 * coerced to strings and blank values count as absent; unknown fields are dropped, not refused.
 */
import * as z from 'zod';
import { MAX_MESSAGE_CHARS } from '#lib/domain/limits/messages';
import { MAX_NAME_CHARS, MAX_URL_CHARS } from '#lib/domain/limits/setup';
import { conversationIdSchema } from '#functions/http/conversation-schemas';
import { idParam } from '#functions/http/common-schemas';

/** A number or a string, as a trimmed string; blank is absent. */
function maaxId<T extends z.ZodType<string, string>>(inner: T) {
  return z
    .union([z.string(), z.number()])
    .optional()
    .transform((value) => (value === undefined || String(value).trim() === '' ? undefined : String(value).trim()))
    .pipe(inner.optional());
}

/** A required id: a number or a string, as a trimmed string. */
function requiredMaaxId<T extends z.ZodType<string, string>>(inner: T) {
  return z
    .union([z.string(), z.number()])
    .transform((value) => String(value).trim())
    .pipe(inner);
}

/** A string field Maax clients may leave blank: blank is absent. */
function blankable<T extends z.ZodType<string, string>>(inner: T) {
  return z
    .string()
    .optional()
    .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()))
    .pipe(inner.optional());
}

export const serviceTypeSchema = z
  .enum(['customer_support_automation', 'sales_automation'])
  .describe('Which kind of AI answers: a support AI or a sales AI.');

const aiId = maaxId(idParam).describe(
  'The AI that answers. May be left out when the account has exactly one AI of the `service_type`.',
);
const prospectId = maaxId(z.string().max(100)).describe("The client's own id for the prospect.");
const conversationId = maaxId(conversationIdSchema);
const handle = blankable(z.string().max(200));

export const prospectInfoSchema = z
  .preprocess(
    // From a query string, prospect_info can only arrive as JSON text.
    (value) => {
      if (typeof value !== 'string') return value;
      try {
        return JSON.parse(value);
      } catch {
        return value;
      }
    },
    z.object({
      first_name: blankable(z.string().max(MAX_NAME_CHARS)),
      last_name: blankable(z.string().max(MAX_NAME_CHARS)),
      email: blankable(z.email().max(320)),
      phone: maaxId(z.string().max(40)),
      facebook: handle,
      instagram: handle,
      intercom: handle,
    }),
  )
  .describe('Who the prospect is; facebook, instagram and intercom become contact handles.');

const messageContent = z.string().trim().min(1).max(MAX_MESSAGE_CHARS).describe("The prospect's message.");
const platform = z.enum(['website', 'email', 'sms']).optional().describe('Where the message came from.');

const messageFields = {
  message_content: messageContent,
  platform,
  ai_id: aiId,
  service_type: serviceTypeSchema,
  prospect_id: prospectId,
  prospect_info: prospectInfoSchema.optional(),
  conversation_id: conversationId.describe(
    'The conversation to add the message to; left out, a new one (`conv_…`) is started.',
  ),
};

export const initiateAnswerBody = z
  .object({
    ...messageFields,
    output_format: z
      .enum(['', 'html', 'plain_text', 'text'])
      .optional()
      .describe('Blank (the default) for plain text, or "html".'),
  })
  .describe('A prospect message to answer; poll `GET /api/retrieve_answer/` with the returned id.');

export const outgoingMessagesBody = z
  .object({
    ...messageFields,
    send_response_url: z.url().max(MAX_URL_CHARS).describe('Where the answer is POSTed.'),
    followup_url: z.url().max(MAX_URL_CHARS).describe('Where follow-ups and drop-off nudges are POSTed.'),
    output_format: z
      .enum(['', 'html', 'plain_text', 'text'])
      .optional()
      .describe('HTML (the default), or "plain_text".'),
  })
  .describe('A prospect message whose answer is POSTed to `send_response_url`.');

export const createConversationBody = z
  .object({
    prospect_id: prospectId,
    prospect_info: prospectInfoSchema.optional(),
    service_type: serviceTypeSchema,
    ai_id: aiId,
  })
  .describe('Starts an empty conversation.');

export const retrieveAnswerQuery = z.object({
  incoming_message_id: requiredMaaxId(idParam).describe('The id `initiate_answer_generation` returned.'),
  service_type: serviceTypeSchema.optional(),
});

export const conversationHistoryQuery = z.object({
  conversation_id: requiredMaaxId(conversationIdSchema),
  service_type: serviceTypeSchema.optional(),
});

export const acceptedResponse = z.object({
  incoming_message_id: z.string(),
  conversation_id: z.string(),
  prospect_id: z.string(),
  status: z.literal('pending'),
});

export const answerResponse = z.object({
  status: z
    .enum(['pending', 'completed', 'escalated', 'failed'])
    .describe('`escalated`: no answer could be given and a person was called in.'),
  answer: z.string().nullable().describe('The answer sent to the prospect; null until there is one.'),
  needs_human: z.boolean().describe('With an answer: the AI asked for a person to look at the conversation.'),
  incoming_message_id: z.string(),
  conversation_id: z.string(),
  prospect_id: z.string(),
});

export const createdConversationResponse = z.object({ conversation_id: z.string(), prospect_id: z.string() });

export const historyResponse = z.object({
  conversation_id: z.string(),
  prospect_id: z.string().nullable(),
  messages: z
    .array(
      z.object({
        message_id: z.string(),
        sender: z.enum(['prospect', 'ai', 'human']),
        direction: z.enum(['inbound', 'outbound']),
        message_content: z.string(),
        created_at: z.string(),
      }),
    )
    .describe('Oldest first.'),
});
