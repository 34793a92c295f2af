/**
 * The wire shapes of the public API (snake_case, per ../shared/CONTRACT.md). These zod schemas
 * validate every request and generate `GET /openapi.json`, so docs and behaviour cannot drift.
 */
import * as z from 'zod';
import { CONFIDENCE_LEVELS } from '#lib/domain/confidence';
import { MODEL_ESCALATIONS } from '#lib/domain/escalation';
import { TIMER_KINDS } from '#lib/domain/timer-kinds';
import { MAX_HISTORY_MESSAGES } from '#lib/domain/limits/generation';
import { MAX_PAGE_SIZE } from '#lib/domain/limits/http';
import { MAX_CONVERSATION_ID_CHARS, MAX_MESSAGE_CHARS, MAX_METADATA_BYTES } from '#lib/domain/limits/messages';
import {
  MAX_AI_KNOWLEDGE_BASES,
  MAX_INSTRUCTIONS_CHARS,
  MAX_NAME_CHARS,
  MAX_REPLY_DELAY_SECONDS,
  MAX_URL_CHARS,
} from '#lib/domain/limits/setup';
import { isTimeZone } from '#lib/domain/time-zone';
import {
  emergencyResponse,
  emergencySchema,
  followUpResponse,
  followUpSchema,
} from '#functions/http/follow-up-schemas';

const url = z.string().max(MAX_URL_CHARS).describe('An http(s) URL that Parley POSTs webhooks to.');
const timestamp = z.string().describe('ISO-8601 UTC timestamp.');

export const idParam = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_-]+$/, 'not a valid id');

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

const metadataSchema = z
  .record(z.string().max(100), z.unknown())
  .refine((value) => JSON.stringify(value).length <= MAX_METADATA_BYTES, {
    message: `must serialize to at most ${MAX_METADATA_BYTES} bytes`,
  })
  .describe('Free-form data echoed back in webhooks.');

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

// ── AIs ─────────────────────────────────────────────────────────────────────────────────────────
const aiFields = {
  type: z.enum(['sales', 'support']),
  name: z.string().trim().min(1).max(MAX_NAME_CHARS),
  instructions: z.string().max(MAX_INSTRUCTIONS_CHARS),
  language: z.string().min(2).max(35).describe('BCP-47 language the AI writes in by default, e.g. "en".'),
  output_format: outputFormatSchema,
  reply_delay_seconds: z
    .number()
    .int()
    .min(0)
    .max(MAX_REPLY_DELAY_SECONDS)
    .describe('Delivery of each answer is held back this long, so replies do not look robotic.'),
  product_id: idParam.describe('The product this AI sells (see /v1/products).'),
  strategy_id: idParam.describe('How this AI sells (see /v1/strategies).'),
  goal_id: idParam.describe('What this AI drives the prospect to (see /v1/goals).'),
  knowledge_base_ids: z
    .array(idParam)
    .max(MAX_AI_KNOWLEDGE_BASES)
    .refine((ids) => new Set(ids).size === ids.length, 'must not name a knowledge base twice')
    .describe("Knowledge bases the AI answers from (see /v1/knowledge-bases); a sales AI also uses its product's."),
};

export const createAiBody = z
  .object({
    type: aiFields.type,
    name: aiFields.name,
    instructions: aiFields.instructions.optional(),
    language: aiFields.language.optional(),
    webhooks: z.object({ answer_url: url, follow_up_url: url.optional(), emergency_url: url.optional() }).strict(),
    output_format: aiFields.output_format.default('text'),
    reply_delay_seconds: aiFields.reply_delay_seconds.default(0),
    product_id: aiFields.product_id.optional(),
    strategy_id: aiFields.strategy_id.optional(),
    goal_id: aiFields.goal_id.optional(),
    knowledge_base_ids: aiFields.knowledge_base_ids.default([]),
    follow_up: followUpSchema.optional(),
    emergency: emergencySchema.optional(),
  })
  .strict();

export const updateAiBody = z
  .object({
    type: aiFields.type.optional(),
    name: aiFields.name.optional(),
    instructions: aiFields.instructions.nullable().optional(),
    language: aiFields.language.nullable().optional(),
    webhooks: z
      .object({
        answer_url: url.optional(),
        follow_up_url: url.nullable().optional(),
        emergency_url: url.nullable().optional(),
      })
      .strict()
      .optional(),
    output_format: aiFields.output_format.optional(),
    reply_delay_seconds: aiFields.reply_delay_seconds.optional(),
    product_id: aiFields.product_id.nullable().optional(),
    strategy_id: aiFields.strategy_id.nullable().optional(),
    goal_id: aiFields.goal_id.nullable().optional(),
    knowledge_base_ids: aiFields.knowledge_base_ids.optional(),
    follow_up: followUpSchema.nullable().optional(),
    emergency: emergencySchema.nullable().optional(),
  })
  .strict();

export const aiResponse = z.object({
  id: z.string(),
  type: aiFields.type,
  name: z.string(),
  instructions: z.string().optional(),
  language: z.string().optional(),
  webhooks: z.object({
    answer_url: z.string(),
    follow_up_url: z.string().optional(),
    emergency_url: z.string().optional(),
  }),
  output_format: outputFormatSchema,
  reply_delay_seconds: z.number().int(),
  product_id: z.string().optional(),
  strategy_id: z.string().optional(),
  goal_id: z.string().optional(),
  knowledge_base_ids: z.array(z.string()),
  follow_up: followUpResponse
    .optional()
    .describe("The AI's own follow-up settings; absent: its strategy's, else the defaults."),
  emergency: emergencyResponse.describe('When the AI calls a person (the defaults unless set).'),
  webhook_health: z
    .object({ failing_since: timestamp, last_failure_at: timestamp })
    .optional()
    .describe(
      "Present while the AI's webhooks fail: since when deliveries have been given up (see GET /v2/deliveries?status=failed). Cleared by the next successful delivery.",
    ),
  created_at: timestamp,
  updated_at: timestamp,
});

export const aiWithSecretResponse = aiResponse.extend({
  webhook_secret: z.string().describe('`whsec_…`: verifies webhook signatures. Shown only now.'),
});

// ── Testing responses ───────────────────────────────────────────────────────────────────────────
export const testAnswerBody = z
  .object({
    message: z.string().trim().min(1).max(MAX_MESSAGE_CHARS).describe("The prospect's message to answer."),
    history: z
      .array(
        z
          .object({
            role: z.enum(['prospect', 'assistant']).describe('Who wrote the turn.'),
            text: z.string().max(MAX_MESSAGE_CHARS),
          })
          .strict(),
      )
      .max(MAX_HISTORY_MESSAGES)
      .optional()
      .describe('Earlier turns of the imagined conversation, oldest first.'),
    contact: contactSchema.optional(),
    channel: channelSchema.optional(),
    output_format: outputFormatSchema.optional().describe("Defaults to the AI's output format."),
  })
  .strict();

export const testAnswerResponse = z.object({
  reply: z.string().describe('What the AI would send (html reduced to the allowed tags).'),
  citations: z
    .array(z.object({ document_id: z.string(), title: z.string(), snippet: z.string() }))
    .describe('The knowledge (document passages and confirmed answers) the reply drew on.'),
  needs_human: z.boolean().describe('Whether the AI would escalate to a person.'),
  escalation: z.enum(MODEL_ESCALATIONS).describe('Why the model would call a person in.'),
  reason: z.string().nullable().describe('Why a person is needed, else null.'),
  follow_up_at: z.string().nullable().describe('When the prospect asked to be contacted again, else null.'),
  confidence: z.enum(CONFIDENCE_LEVELS),
  language: z.string().nullable(),
  usage: z
    .object({ input_tokens: z.number().int(), output_tokens: z.number().int() })
    .nullable()
    .describe('Tokens the model call took; null when the model does not count them (the offline model).'),
  latency_ms: z.number().int().describe('How long the model took to answer.'),
});

// ── Messages and conversations ──────────────────────────────────────────────────────────────────
export const postMessageBody = z
  .object({
    ai_id: idParam,
    conversation_id: conversationIdSchema,
    message: z.string().trim().min(1).max(MAX_MESSAGE_CHARS).describe("The prospect's message."),
    contact: contactSchema.optional(),
    channel: channelSchema.optional(),
    output_format: outputFormatSchema.optional(),
    webhooks: z
      .object({ answer_url: url.optional(), follow_up_url: url.optional() })
      .strict()
      .optional()
      .describe("Overrides the AI's webhook URLs for this conversation."),
    metadata: metadataSchema.optional(),
  })
  .strict();

export const acceptedMessageResponse = z.object({
  message_id: z.string(),
  conversation_id: z.string(),
  status: z.literal('queued'),
});

export const outgoingMessageBody = z
  .object({
    ai_id: idParam,
    conversation_id: conversationIdSchema,
    message: z.string().trim().min(1).max(MAX_MESSAGE_CHARS).describe('What the person sent the prospect.'),
  })
  .strict();

export const outgoingMessageResponse = z.object({
  message_id: z.string(),
  conversation_id: z.string(),
  direction: z.literal('outbound'),
  kind: z.literal('human'),
  created_at: timestamp,
});

export const conversationResponse = z.object({
  conversation_id: z.string(),
  ai_id: z.string(),
  status: z.enum(['active', 'handed_off', 'closed']),
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
      citations: z
        .array(z.object({ document_id: z.string(), title: z.string(), snippet: z.string() }))
        .optional()
        .describe('AI replies: the knowledge the answer drew on.'),
    }),
  ),
  scheduled: z
    .array(z.object({ kind: z.enum(TIMER_KINDS), at: timestamp }))
    .describe('Follow-ups and nudges Parley will send, soonest first.'),
  created_at: timestamp,
  updated_at: timestamp,
});

// ── Common ──────────────────────────────────────────────────────────────────────────────────────
export const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
    cursor: z.string().max(1000).optional(),
  })
  .strict();

export const errorResponse = z.object({
  error: z.object({
    code: z.enum([
      'validation_error',
      'unauthorized',
      'not_found',
      'conflict',
      'payload_too_large',
      'unsupported_media_type',
      'rate_limited',
      'internal',
    ]),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), next_cursor: z.string().nullable() });
}
