/** The wire shapes of testing a response: what an AI would answer, with its decisions. */
import * as z from 'zod';
import { CONFIDENCE_LEVELS } from '#lib/domain/confidence';
import { MODEL_ESCALATIONS } from '#lib/domain/escalation';
import { MAX_HISTORY_MESSAGES } from '#lib/domain/limits/generation';
import { MAX_MESSAGE_CHARS } from '#lib/domain/limits/messages';
import {
  channelSchema,
  citationResponse,
  contactSchema,
  outputFormatSchema,
} from '#functions/http/conversation-schemas';

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
    .array(citationResponse)
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
