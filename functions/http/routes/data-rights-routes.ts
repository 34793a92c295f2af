import type { z } from 'zod';
import { getAccount, updateAccount } from '#lib/app/account';
import { eraseConversation } from '#lib/app/erase-conversation';
import { exportConversation } from '#lib/app/export-conversation';
import { conversationIdSchema } from '#functions/http/conversation-schemas';
import { accountResponse, conversationExportResponse, patchAccountBody } from '#functions/http/data-rights-schemas';
import { presentAccount, presentExport } from '#functions/http/presenters/data-rights-presenters';
import { defineRoute } from '#functions/http/route';

const conversationParams = { conversation_id: conversationIdSchema };
const gone = { description: 'No such conversation in your account: never created, erased or expired.' };

/** A prospect's rights of erasure and access, and the account's retention setting. */
export const dataRightsRoutes = [
  defineRoute({
    method: 'DELETE',
    path: '/v2/conversations/{conversation_id}',
    summary:
      'Erase a conversation and everything holding its data: messages, feedback, timers, delivery bodies, corrections, knowledge gaps, Idempotency-Key records. A later message under the same id starts a new conversation.',
    tags: ['Data rights'],
    auth: true,
    params: conversationParams,
    responses: { 204: { description: 'Erased.' }, 404: gone },
    async handle(deps, { tenantId, params }) {
      await eraseConversation(deps, { tenantId, conversationId: params.conversation_id ?? '', reason: 'request' });
      return { statusCode: 204 };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v2/conversations/{conversation_id}/export',
    summary:
      'Everything Parley holds on a conversation (messages, feedback, deliveries with their bodies), secrets excluded.',
    tags: ['Data rights'],
    auth: true,
    params: conversationParams,
    responses: { 200: { description: 'The export.', schema: conversationExportResponse }, 404: gone },
    async handle(deps, { tenantId, params }) {
      const exported = await exportConversation(deps, tenantId, params.conversation_id ?? '');
      return { statusCode: 200, body: presentExport(exported) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/account',
    summary: "Your account's name and data retention.",
    tags: ['Account'],
    auth: true,
    responses: { 200: { description: 'The account.', schema: accountResponse } },
    async handle(deps, { tenantId }) {
      return { statusCode: 200, body: presentAccount(await getAccount(deps, tenantId)) };
    },
  }),
  defineRoute<z.output<typeof patchAccountBody>>({
    method: 'PATCH',
    path: '/v1/account',
    summary:
      'Change the account name or data retention. A shorter retention applies to existing conversations at once.',
    tags: ['Account'],
    auth: true,
    body: patchAccountBody,
    responses: { 200: { description: 'The account as changed.', schema: accountResponse } },
    async handle(deps, { tenantId, body }) {
      const tenant = await updateAccount(deps, tenantId, {
        ...(body.name === undefined ? {} : { name: body.name }),
        ...(body.data_retention_days === undefined ? {} : { dataRetentionDays: body.data_retention_days }),
      });
      return { statusCode: 200, body: presentAccount(tenant) };
    },
  }),
];
