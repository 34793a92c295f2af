import type { z } from 'zod';
import { ValidationError } from '#lib/domain/errors';
import type { Contact, OutputFormat } from '#lib/domain/types';
import { assertWebhookUrls } from '#lib/app/ais';
import type { Deps } from '#lib/app/deps';
import {
  acceptMaaxMessage,
  createMaaxConversation,
  getMaaxAnswer,
  getMaaxHistory,
  type MaaxMessage,
} from '#lib/app/maax';
import {
  acceptedResponse,
  answerResponse,
  conversationHistoryQuery,
  createConversationBody,
  createdConversationResponse,
  historyResponse,
  initiateAnswerBody,
  outgoingMessagesBody,
  retrieveAnswerQuery,
} from '#functions/http/maax-schemas';
import {
  presentMaaxAccepted,
  presentMaaxAnswer,
  presentMaaxConversation,
  presentMaaxHistory,
} from '#functions/http/presenters/maax-presenters';
import { defineRoute } from '#functions/http/route';

const tags = ['Maax-compatible'];
type InitiateBody = z.output<typeof initiateAnswerBody>;
type OutgoingBody = z.output<typeof outgoingMessagesBody>;
type ProspectInfo = NonNullable<InitiateBody['prospect_info']>;

/** Maax's prospect_info → a contact; the social handles become contact handles. */
function toContact(info: ProspectInfo): Contact {
  const handles = Object.fromEntries(
    (['facebook', 'instagram', 'intercom'] as const).flatMap((name) => (info[name] ? [[name, info[name]]] : [])),
  );
  return Object.fromEntries(
    Object.entries({
      firstName: info.first_name,
      lastName: info.last_name,
      email: info.email,
      phone: info.phone,
      handles: Object.keys(handles).length ? handles : undefined,
    }).filter(([, value]) => value !== undefined),
  );
}

/** The fields both message endpoints share, wire → use case. */
function toMaaxMessage(
  body: InitiateBody | OutgoingBody,
  request: { tenantId: string; newId: string },
  outputFormat: OutputFormat,
): MaaxMessage {
  return {
    tenantId: request.tenantId,
    messageId: request.newId,
    serviceType: body.service_type,
    text: body.message_content,
    outputFormat,
    ...(body.ai_id ? { aiId: body.ai_id } : {}),
    ...(body.conversation_id ? { conversationId: body.conversation_id } : {}),
    ...(body.prospect_id ? { prospectId: body.prospect_id } : {}),
    ...(body.prospect_info ? { contact: toContact(body.prospect_info) } : {}),
    ...(body.platform ? { channel: body.platform } : {}),
  };
}

const WEBHOOK_FIELDS: Record<string, string> = {
  'webhooks.answer_url': 'send_response_url',
  'webhooks.follow_up_url': 'followup_url',
};

/** Refuses webhook URLs Parley must not send to, naming Maax's fields rather than Parley's. */
function assertMaaxWebhooks(deps: Deps, body: OutgoingBody): void {
  try {
    assertWebhookUrls({ answerUrl: body.send_response_url, followUpUrl: body.followup_url }, deps);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const details = error.details.map((d) => ({ ...d, path: WEBHOOK_FIELDS[d.path] ?? d.path }));
    throw new ValidationError(error.message, { details, cause: error });
  }
}

const accepted = { description: 'Stored and queued for an answer.', schema: acceptedResponse };
const noAi = { description: 'No AI with this `ai_id` in your account.' };
const conflict = { description: 'The conversation belongs to another AI, or the Idempotency-Key was reused.' };

function initiateRoute(path: string, summary: string) {
  return defineRoute<InitiateBody>({
    method: 'POST',
    path,
    summary,
    tags,
    auth: true,
    body: initiateAnswerBody,
    mergeQueryIntoBody: true,
    creates: { idPrefix: 'msg' },
    responses: { 202: accepted, 404: noAi, 409: conflict },
    async handle(deps, request) {
      const format = request.body.output_format === 'html' ? 'html' : 'text';
      const result = await acceptMaaxMessage(deps, toMaaxMessage(request.body, request, format));
      return { statusCode: 202, body: presentMaaxAccepted(result) };
    },
  });
}

/** Maax AI's documented API on the same use cases as V1 and V2: see docs/migrating-from-maax.md. */
export const maaxRoutes = [
  initiateRoute(
    '/api/initiate_answer_generation',
    "Maax-compatible: hand Parley a prospect's message; poll `GET /api/retrieve_answer/` for the answer.",
  ),
  initiateRoute(
    '/api/inititiate_answer_generation',
    'Maax-compatible: the same, under the misspelt path Maax also serves.',
  ),
  defineRoute<undefined, z.output<typeof retrieveAnswerQuery>>({
    method: 'GET',
    path: '/api/retrieve_answer',
    summary: "Maax-compatible: a message's status, and its answer once there is one.",
    tags,
    auth: true,
    query: retrieveAnswerQuery,
    responses: {
      200: { description: 'The status, with the answer once there is one.', schema: answerResponse },
      404: { description: 'No message with this `incoming_message_id` in your account.' },
    },
    async handle(deps, { tenantId, query }) {
      const answer = await getMaaxAnswer(deps, tenantId, query.incoming_message_id);
      return { statusCode: 200, body: presentMaaxAnswer(answer) };
    },
  }),
  defineRoute<z.output<typeof createConversationBody>>({
    method: 'POST',
    path: '/api/create-conversation',
    summary: 'Maax-compatible: start an empty conversation for a prospect.',
    tags,
    auth: true,
    body: createConversationBody,
    mergeQueryIntoBody: true,
    creates: { idPrefix: 'conv' },
    responses: {
      201: { description: 'Created.', schema: createdConversationResponse },
      404: noAi,
      409: { description: 'The Idempotency-Key was reused with another request.' },
    },
    async handle(deps, { tenantId, body, newId }) {
      const created = await createMaaxConversation(deps, {
        tenantId,
        conversationId: newId,
        serviceType: body.service_type,
        ...(body.ai_id ? { aiId: body.ai_id } : {}),
        ...(body.prospect_id ? { prospectId: body.prospect_id } : {}),
        ...(body.prospect_info ? { contact: toContact(body.prospect_info) } : {}),
      });
      return { statusCode: 201, body: presentMaaxConversation(created) };
    },
  }),
  defineRoute<undefined, z.output<typeof conversationHistoryQuery>>({
    method: 'GET',
    path: '/api/get_conversations_history',
    summary: "Maax-compatible: a conversation's messages, oldest first.",
    tags,
    auth: true,
    query: conversationHistoryQuery,
    responses: {
      200: { description: 'The messages, oldest first.', schema: historyResponse },
      404: { description: 'No such conversation in your account.' },
    },
    async handle(deps, { tenantId, query }) {
      const history = await getMaaxHistory(deps, tenantId, query.conversation_id);
      return { statusCode: 200, body: presentMaaxHistory(history) };
    },
  }),
  defineRoute<OutgoingBody>({
    method: 'POST',
    path: '/api/v2/outgoing-messages',
    summary:
      "Maax-compatible (V2): hand Parley a prospect's message; the answer is POSTed to `send_response_url`, follow-ups to `followup_url`.",
    tags,
    auth: true,
    body: outgoingMessagesBody,
    mergeQueryIntoBody: true,
    creates: { idPrefix: 'msg' },
    responses: { 202: accepted, 404: noAi, 409: conflict },
    async handle(deps, request) {
      const { body } = request;
      assertMaaxWebhooks(deps, body);
      const format = body.output_format === 'plain_text' || body.output_format === 'text' ? 'text' : 'html';
      const result = await acceptMaaxMessage(deps, {
        ...toMaaxMessage(body, request, format),
        webhooks: { answerUrl: body.send_response_url, followUpUrl: body.followup_url },
      });
      return { statusCode: 202, body: presentMaaxAccepted(result) };
    },
  }),
];
