/** The wire shapes of V2 messages (snake_case, per ../shared/CONTRACT.md): a prospect's, and a person's. */
import * as z from 'zod';
import { MAX_MESSAGE_CHARS, MAX_METADATA_BYTES } from '#lib/domain/limits/messages';
import { idParam, timestamp, webhookUrl as url } from '#functions/http/common-schemas';
import {
  channelSchema,
  contactSchema,
  conversationIdSchema,
  outputFormatSchema,
} from '#functions/http/conversation-schemas';

const metadataSchema = z
  .record(z.string().max(100), z.unknown())
  .refine((value) => JSON.stringify(value).length <= MAX_METADATA_BYTES, {
    message: `must serialize to at most ${MAX_METADATA_BYTES} bytes`,
  })
  .describe('Free-form data echoed back in webhooks.');

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
