import type { z } from 'zod';
import { getConversation } from '#lib/app/conversations';
import { recordFeedback } from '#lib/app/feedback';
import { askQuestion, getMessageStatus } from '#lib/app/v1-conversations';
import { toMessageOptions } from '#functions/http/from-wire';
import { presentConversation } from '#functions/http/presenters/conversation-presenters';
import { presentAccepted } from '#functions/http/presenters/message-presenters';
import { presentFeedback, presentMessageStatus } from '#functions/http/presenters/v1-presenters';
import { defineRoute } from '#functions/http/route';
import { conversationIdSchema, conversationResponse } from '#functions/http/conversation-schemas';
import {
  feedbackBody,
  feedbackMessageIdParam,
  feedbackResponse,
  messageIdParam,
  messageStatusResponse,
  postQuestionBody,
  questionAcceptedResponse,
} from '#functions/http/v1-schemas';

const tags = ['Conversations (V1)'];

/** V1: post a question, then poll for its answer (for clients that cannot receive webhooks). */
export const v1ConversationRoutes = [
  defineRoute<z.output<typeof postQuestionBody>>({
    method: 'POST',
    path: '/v1/conversations',
    summary: 'Ask a question, then poll its message for the answer.',
    tags,
    auth: true,
    body: postQuestionBody,
    creates: { idPrefix: 'msg' },
    responses: {
      202: { description: 'Stored and queued for an answer.', schema: questionAcceptedResponse },
      404: { description: 'No AI with this `ai_id` in your account.' },
      409: { description: 'The conversation belongs to another AI, or the Idempotency-Key was reused.' },
    },
    async handle(deps, { tenantId, body, newId }) {
      const accepted = await askQuestion(deps, {
        tenantId,
        messageId: newId,
        text: body.question,
        ...(body.ai_id ? { aiId: body.ai_id } : {}),
        ...(body.conversation_id ? { conversationId: body.conversation_id } : {}),
        ...toMessageOptions(body),
      });
      return { statusCode: 202, body: presentAccepted(accepted) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/conversations/{conversation_id}/messages/{message_id}',
    summary: "Poll a question's status, and its answer once answered.",
    tags,
    auth: true,
    params: { conversation_id: conversationIdSchema, message_id: messageIdParam },
    responses: {
      200: { description: 'The status, with the answer once there is one.', schema: messageStatusResponse },
      404: { description: 'No such conversation, or no inbound message with this id in it.' },
    },
    async handle(deps, { tenantId, params }) {
      const status = await getMessageStatus(deps, tenantId, params.conversation_id ?? '', params.message_id ?? '');
      return { statusCode: 200, body: presentMessageStatus(status) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/conversations/{conversation_id}',
    summary: 'Read a conversation with all its messages, oldest first.',
    tags,
    auth: true,
    params: { conversation_id: conversationIdSchema },
    responses: {
      200: { description: 'The conversation.', schema: conversationResponse },
      404: { description: 'No such conversation in your account.' },
    },
    async handle(deps, { tenantId, params }) {
      const conversation = await getConversation(deps, tenantId, params.conversation_id ?? '');
      return { statusCode: 200, body: presentConversation(conversation) };
    },
  }),
  defineRoute<z.output<typeof feedbackBody>>({
    method: 'POST',
    path: '/v1/conversations/{conversation_id}/messages/{message_id}/feedback',
    summary: "Rate an answer, by the question's id or the reply's; a later rating replaces an earlier one.",
    tags,
    auth: true,
    params: { conversation_id: conversationIdSchema, message_id: feedbackMessageIdParam },
    body: feedbackBody,
    responses: {
      200: { description: 'Stored on the reply that answered the question.', schema: feedbackResponse },
      404: { description: 'No such conversation, or no message with this id in it.' },
      409: { description: 'The question is not answered yet, or the message was written by a person.' },
    },
    async handle(deps, { tenantId, params, body }) {
      const feedback = await recordFeedback(deps, {
        tenantId,
        conversationId: params.conversation_id ?? '',
        messageId: params.message_id ?? '',
        rating: body.rating,
        ...(body.correction === undefined ? {} : { correction: body.correction }),
      });
      return { statusCode: 200, body: presentFeedback(feedback) };
    },
  }),
];
