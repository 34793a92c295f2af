/** The wire shapes of AIs (snake_case, per ../shared/CONTRACT.md). */
import * as z from 'zod';
import {
  MAX_AI_KNOWLEDGE_BASES,
  MAX_INSTRUCTIONS_CHARS,
  MAX_NAME_CHARS,
  MAX_REPLY_DELAY_SECONDS,
} from '#lib/domain/limits/setup';
import { idParam, timestamp, webhookUrl as url } from '#functions/http/common-schemas';
import { outputFormatSchema } from '#functions/http/conversation-schemas';
import {
  emergencyResponse,
  emergencySchema,
  followUpResponse,
  followUpSchema,
} from '#functions/http/follow-up-schemas';

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
