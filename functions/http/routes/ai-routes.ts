import type { z } from 'zod';
import { createAi, deleteAi, getAi, listAis, rotateWebhookSecret, updateAi } from '#lib/app/ais';
import { testAnswer } from '#lib/app/test-answer';
import { fromWire, toMessageOptions } from '#functions/http/from-wire';
import { presentAi, presentAiWithSecret } from '#functions/http/presenters/ai-presenters';
import { presentPage } from '#functions/http/presenters/page-presenter';
import { presentTestAnswer } from '#functions/http/presenters/test-answer-presenters';
import { toEmergencySettings, toFollowUpSettings } from '#functions/http/follow-up-schemas';
import { defineRoute } from '#functions/http/route';
import { aiResponse, aiWithSecretResponse, createAiBody, updateAiBody } from '#functions/http/ai-schemas';
import { idParam, listQuery, pageOf, toPageRequest } from '#functions/http/common-schemas';
import { testAnswerBody, testAnswerResponse } from '#functions/http/test-answer-schemas';

const tags = ['AIs'];
const params = { id: idParam };
const notFound = { description: 'No AI with this id in your account.' };
const missingReference = {
  description:
    'A product_id, strategy_id, goal_id or knowledge base names nothing in your account (`error.details` says which).',
};

const WEBHOOK_NAMES = { answerUrl: 'answer_url', followUpUrl: 'follow_up_url', emergencyUrl: 'emergency_url' } as const;
/** The AI's references to its product, strategy and goal. */
const REFERENCE_NAMES = {
  productId: 'product_id',
  strategyId: 'strategy_id',
  goalId: 'goal_id',
  knowledgeBaseIds: 'knowledge_base_ids',
} as const;

export const aiRoutes = [
  defineRoute<z.output<typeof createAiBody>>({
    method: 'POST',
    path: '/v1/ais',
    summary: 'Create an AI. The response carries its webhook secret, shown only this once.',
    tags,
    auth: true,
    body: createAiBody,
    creates: { idPrefix: 'ai' },
    responses: { 201: { description: 'Created.', schema: aiWithSecretResponse }, 404: missingReference },
    async handle(deps, { tenantId, body, newId }) {
      const created = await createAi(deps, {
        tenantId,
        aiId: newId,
        settings: {
          type: body.type,
          name: body.name,
          ...(body.instructions ? { instructions: body.instructions } : {}),
          ...(body.language ? { language: body.language } : {}),
          webhooks: fromWire(body.webhooks, WEBHOOK_NAMES),
          outputFormat: body.output_format,
          replyDelaySeconds: body.reply_delay_seconds,
          ...fromWire(body, REFERENCE_NAMES),
          ...(body.follow_up ? { followUp: toFollowUpSettings(body.follow_up) } : {}),
          ...(body.emergency ? { emergency: toEmergencySettings(body.emergency) } : {}),
        },
      });
      return { statusCode: 201, body: presentAiWithSecret(created) };
    },
  }),
  defineRoute<undefined, z.output<typeof listQuery>>({
    method: 'GET',
    path: '/v1/ais',
    summary: 'List your AIs, oldest first.',
    tags,
    auth: true,
    query: listQuery,
    responses: { 200: { description: 'A page of AIs.', schema: pageOf(aiResponse) } },
    async handle(deps, { tenantId, query }) {
      const page = await listAis(deps, tenantId, toPageRequest(query));
      return { statusCode: 200, body: presentPage(page, presentAi) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/ais/{id}',
    summary: 'Read an AI.',
    tags,
    auth: true,
    params,
    responses: { 200: { description: 'The AI.', schema: aiResponse }, 404: notFound },
    async handle(deps, { tenantId, params: p }) {
      const ai = await getAi(deps, tenantId, p.id ?? '');
      return { statusCode: 200, body: presentAi(ai) };
    },
  }),
  defineRoute<z.output<typeof updateAiBody>>({
    method: 'PATCH',
    path: '/v1/ais/{id}',
    summary: 'Change an AI: fields left out stay as they are; null clears an optional one.',
    tags,
    auth: true,
    params,
    body: updateAiBody,
    responses: {
      200: { description: 'The changed AI.', schema: aiResponse },
      404: { description: `${notFound.description} Or: ${missingReference.description}` },
    },
    async handle(deps, { tenantId, params: p, body }) {
      const {
        webhooks,
        output_format,
        reply_delay_seconds,
        product_id,
        strategy_id,
        goal_id,
        knowledge_base_ids,
        follow_up,
        emergency,
        ...rest
      } = body;
      const ai = await updateAi(deps, {
        tenantId,
        aiId: p.id ?? '',
        changes: {
          ...rest,
          ...fromWire({ product_id, strategy_id, goal_id, knowledge_base_ids }, REFERENCE_NAMES),
          ...(webhooks ? { webhooks: fromWire(webhooks, WEBHOOK_NAMES) } : {}),
          ...(output_format ? { outputFormat: output_format } : {}),
          ...(reply_delay_seconds !== undefined ? { replyDelaySeconds: reply_delay_seconds } : {}),
          ...(follow_up !== undefined ? { followUp: follow_up && toFollowUpSettings(follow_up) } : {}),
          ...(emergency !== undefined ? { emergency: emergency && toEmergencySettings(emergency) } : {}),
        },
      });
      return { statusCode: 200, body: presentAi(ai) };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/ais/{id}',
    summary: 'Delete an AI. Its conversations stay readable; new messages to it are refused.',
    tags,
    auth: true,
    params,
    responses: { 204: { description: 'Deleted.' }, 404: notFound },
    async handle(deps, { tenantId, params: p }) {
      await deleteAi(deps, tenantId, p.id ?? '');
      return { statusCode: 204 };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/ais/{id}/rotate-secret',
    summary: 'Replace the webhook secret. The new one is shown only in this response.',
    tags,
    auth: true,
    params,
    responses: { 200: { description: 'The AI with its new secret.', schema: aiWithSecretResponse }, 404: notFound },
    async handle(deps, { tenantId, params: p }) {
      const rotated = await rotateWebhookSecret(deps, tenantId, p.id ?? '');
      return { statusCode: 200, body: presentAiWithSecret(rotated) };
    },
  }),
  defineRoute<z.output<typeof testAnswerBody>>({
    method: 'POST',
    path: '/v1/ais/{id}/test',
    summary:
      'Test a response: what the AI would answer, with its decisions, token count and latency. Nothing is stored or sent.',
    tags,
    auth: true,
    params,
    body: testAnswerBody,
    responses: { 200: { description: 'The answer the AI would give.', schema: testAnswerResponse }, 404: notFound },
    async handle(deps, { tenantId, params: p, body }) {
      const tested = await testAnswer(deps, {
        tenantId,
        aiId: p.id ?? '',
        message: body.message,
        ...(body.history ? { history: body.history } : {}),
        ...toMessageOptions(body),
      });
      return { statusCode: 200, body: presentTestAnswer(tested) };
    },
  }),
];
