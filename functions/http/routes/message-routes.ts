import type { z } from 'zod';
import { acceptMessage } from '#lib/app/accept-message';
import { getConversation } from '#lib/app/conversations';
import { handOff, recordOutgoingMessage, resume } from '#lib/app/handoff';
import { toMessageOptions } from '#functions/http/from-wire';
import { presentConversation } from '#functions/http/presenters/conversation-presenters';
import { presentAccepted, presentOutgoingMessage } from '#functions/http/presenters/message-presenters';
import { defineRoute } from '#functions/http/route';
import {
  acceptedMessageResponse,
  outgoingMessageBody,
  outgoingMessageResponse,
  postMessageBody,
} from '#functions/http/message-schemas';
import { conversationIdSchema, conversationResponse } from '#functions/http/conversation-schemas';

const conversationParams = { conversation_id: conversationIdSchema };
const noConversation = { description: 'No such conversation in your account.' };

/** The handoff and resume endpoints: same shape, opposite effect. */
function statusRoute(action: 'handoff' | 'resume', summary: string, change: typeof handOff) {
  return defineRoute({
    method: 'POST',
    path: `/v2/conversations/{conversation_id}/${action}`,
    summary,
    tags: ['Messages (V2)'],
    auth: true,
    params: conversationParams,
    responses: { 200: { description: 'The conversation.', schema: conversationResponse }, 404: noConversation },
    async handle(deps, { tenantId, params }) {
      const id = params.conversation_id ?? '';
      await change(deps, tenantId, id);
      const conversation = await getConversation(deps, tenantId, id);
      return { statusCode: 200, body: presentConversation(conversation) };
    },
  });
}

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
    params: conversationParams,
    responses: { 200: { description: 'The conversation.', schema: conversationResponse }, 404: noConversation },
    async handle(deps, { tenantId, params }) {
      const conversation = await getConversation(deps, tenantId, params.conversation_id ?? '');
      return { statusCode: 200, body: presentConversation(conversation) };
    },
  }),
  statusRoute(
    'handoff',
    'A person takes over: the AI stops answering and its follow-ups and nudges are cancelled, until resumed.',
    handOff,
  ),
  statusRoute('resume', 'Give the conversation back to the AI: it answers the next message.', resume),
  defineRoute<z.output<typeof outgoingMessageBody>>({
    method: 'POST',
    path: '/v2/outgoing-messages',
    summary:
      "Record a message a person sent the prospect outside Parley, so the AI's context stays true. Pending follow-ups lapse; the drop-off nudge counts from now.",
    tags: ['Messages (V2)'],
    auth: true,
    body: outgoingMessageBody,
    creates: { idPrefix: 'msg' },
    responses: {
      201: { description: 'Recorded.', schema: outgoingMessageResponse },
      404: { description: 'No AI with this `ai_id` in your account.' },
      409: { description: 'The conversation belongs to another AI.' },
    },
    async handle(deps, { tenantId, body, newId }) {
      const message = await recordOutgoingMessage(deps, {
        tenantId,
        aiId: body.ai_id,
        conversationId: body.conversation_id,
        messageId: newId,
        text: body.message,
      });
      return { statusCode: 201, body: presentOutgoingMessage(message) };
    },
  }),
];
