/**
 * The wire shapes of V1 conversations (polling), per ../shared/CONTRACT.md. The field shapes and
 * limits they share with V2 are imported from their V2 modules, so the two versions cannot drift apart.
 */
import * as z from 'zod';
import { CONFIDENCE_LEVELS } from '#lib/domain/confidence';
import { MAX_CORRECTION_CHARS, MAX_MESSAGE_CHARS } from '#lib/domain/limits/messages';
import { acceptedMessageResponse } from '#functions/http/message-schemas';
import {
  channelSchema,
  contactSchema,
  conversationIdSchema,
  outputFormatSchema,
} from '#functions/http/conversation-schemas';
import { idParam } from '#functions/http/common-schemas';

export const messageIdParam = idParam.describe('The `message_id` that `POST /v1/conversations` returned.');

export const postQuestionBody = z
  .object({
    ai_id: idParam
      .optional()
      .describe('The AI that answers. May be left out when the account has exactly one support AI.'),
    question: z.string().trim().min(1).max(MAX_MESSAGE_CHARS).describe("The prospect's question."),
    conversation_id: conversationIdSchema
      .optional()
      .describe(
        "The client's own id for the thread, to add the question to it. Left out, a new conversation " +
          '(`conv_…`) is started and its id returned.',
      ),
    contact: contactSchema.optional().describe('Who is asking; merged into what the conversation knows.'),
    channel: channelSchema.optional().describe('Where the question came from.'),
    output_format: outputFormatSchema.optional().describe("The answer's format; the AI's setting by default."),
  })
  .strict()
  .describe('A question to answer. Poll the returned message for its answer.');

export const questionAcceptedResponse = acceptedMessageResponse.describe(
  'Stored and queued: poll `GET /v1/conversations/{conversation_id}/messages/{message_id}` for the answer.',
);

export const messageStatusResponse = z
  .object({
    message_id: z.string(),
    conversation_id: z.string(),
    status: z
      .enum(['queued', 'answering', 'answered', 'escalated', 'failed'])
      .describe('`failed`: no answer could be generated. A reply that asked for a person is still `answered`.'),
    answer: z.string().optional().describe('The answer sent to the prospect; present once answered.'),
    answered_at: z.string().optional().describe('ISO-8601 UTC timestamp; present with `answer`.'),
    needs_human: z
      .boolean()
      .optional()
      .describe('Present with `answer`: true when the AI asked for a person to look at the conversation.'),
    confidence: z
      .enum(CONFIDENCE_LEVELS)
      .optional()
      .describe('Present with `answer`: how well grounded the AI judged its answer.'),
  })
  .describe('Where answering a question stands.');

export const feedbackMessageIdParam = idParam.describe(
  'The question (the `message_id` that `POST /v1/conversations` returned) or the AI-written message to rate.',
);

const ratingSchema = z.enum(['up', 'down']).describe('`up`: a good answer; `down`: a poor one.');

export const feedbackBody = z
  .object({
    rating: ratingSchema,
    correction: z
      .string()
      .trim()
      .min(1)
      .max(MAX_CORRECTION_CHARS)
      .optional()
      .describe('What the answer should have said. Corrections become knowledge that later answers use.'),
  })
  .strict()
  .describe('A rating of an answer. A later rating of the same answer replaces the earlier one.');

export const feedbackResponse = z
  .object({
    message_id: z
      .string()
      .describe('The AI-written message the feedback is stored on: for a question, the reply that answered it.'),
    conversation_id: z.string(),
    rating: ratingSchema,
    correction: z.string().optional(),
    created_at: z.string().describe('ISO-8601 UTC timestamp.'),
  })
  .describe('The feedback as stored.');
