import type { z } from 'zod';
import { acceptMessage } from '#lib/app/accept-message';
import { getConversation } from '#lib/app/conversations';
import { presentAccepted, presentConversation, toMessageOptions } from '#functions/http/presenters';
import { defineRoute } from '#functions/http/route';
import {
  acceptedMessageResponse,
  conversationIdSchema,
  conversationResponse,
  postMessageBody,
} from '#functions/http/schemas';

export const messageRoutes = [
  defineRoute<z.output<typeof postMessageBody>>({
    method: 'POST',
    path: '/v2/messages',
    summary: "Hand Parley a prospect's message. The answer is POSTed to the AI's answer webhook.",
    tags: ['Messages (V2)'],
    auth: true,
    body: postMessageBody,
    creates: { idPrefix: 'msg' },
    responses: {
      202: { description: 'Stored and queued for an answer.', schema: acceptedMessageResponse },
      404: { description: 'No AI with this `ai_id` in your account.' },
      409: { description: 'The conversation belongs to another AI, or the Idempotency-Key was reused.' },
    },
    async handle(deps, { tenantId, body, newId }) {
      const accepted = await acceptMessage(deps, {
        tenantId,
        messageId: newId,
        aiId: body.ai_id,
        conversationId: body.conversation_id,
        text: body.message,
        ...toMessageOptions(body),
        ...(body.webhooks
          ? { webhooks: { answerUrl: body.webhooks.answer_url, followUpUrl: body.webhooks.follow_up_url } }
          : {}),
        ...(body.metadata ? { metadata: body.metadata } : {}),
      });
      return { statusCode: 202, body: presentAccepted(accepted) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v2/conversations/{conversation_id}',
    summary: 'Read a conversation with all its messages, oldest first.',
    tags: ['Messages (V2)'],
    auth: true,
    params: { conversation_id: conversationIdSchema },
    responses: {
      200: { description: 'The conversation.', schema: conversationResponse },
      404: { description: 'No such conversation in your account.' },
    },
    async handle(deps, { tenantId, params }) {
      const { conversation, messages } = await getConversation(deps, tenantId, params.conversation_id ?? '');
      return { statusCode: 200, body: presentConversation(conversation, messages) };
    },
  }),
];
