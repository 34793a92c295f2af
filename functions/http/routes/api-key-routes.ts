import type { z } from 'zod';
import { createApiKey, listApiKeys, revokeApiKey, rotateApiKey } from '#lib/app/api-keys';
import { apiKeyResponse, createApiKeyBody, issuedApiKeyResponse } from '#functions/http/api-key-schemas';
import { presentApiKey, presentIssuedApiKey } from '#functions/http/presenters/api-key-presenters';
import { presentPage } from '#functions/http/presenters/page-presenter';
import { defineRoute } from '#functions/http/route';
import { idParam, listQuery, pageOf, toPageRequest } from '#functions/http/common-schemas';

const tags = ['API keys'];
const params = { id: idParam };
const notFound = { description: 'No API key with this id in your account.' };

export const apiKeyRoutes = [
  defineRoute<z.output<typeof createApiKeyBody>>({
    method: 'POST',
    path: '/v1/api-keys',
    summary: 'Create an API key for your account. The key is shown only in this response.',
    tags,
    auth: true,
    body: createApiKeyBody,
    creates: { idPrefix: 'key' },
    responses: { 201: { description: 'Created.', schema: issuedApiKeyResponse } },
    async handle(deps, { tenantId, body, newId }) {
      const issued = await createApiKey(deps, {
        tenantId,
        keyId: newId,
        ...(body.name === undefined ? {} : { name: body.name }),
      });
      return { statusCode: 201, body: presentIssuedApiKey(issued) };
    },
  }),
  defineRoute<undefined, z.output<typeof listQuery>>({
    method: 'GET',
    path: '/v1/api-keys',
    summary: "List your account's API keys, oldest first (their prefixes, never the keys).",
    tags,
    auth: true,
    query: listQuery,
    responses: { 200: { description: 'A page of API keys.', schema: pageOf(apiKeyResponse) } },
    async handle(deps, { tenantId, query }) {
      const page = await listApiKeys(deps, tenantId, toPageRequest(query));
      return { statusCode: 200, body: presentPage(page, presentApiKey) };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/api-keys/{id}',
    summary: 'Revoke an API key: it stops working at once. Your last key cannot be revoked.',
    tags,
    auth: true,
    params,
    responses: {
      204: { description: 'Revoked.' },
      404: notFound,
      409: { description: 'The last API key of your account: create another first, or rotate this one.' },
    },
    async handle(deps, { tenantId, params: p }) {
      await revokeApiKey(deps, tenantId, p.id ?? '');
      return { statusCode: 204 };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/api-keys/{id}/rotate',
    summary: 'Replace an API key with a new one of the same name; the old one stops working at once.',
    tags,
    auth: true,
    params,
    creates: { idPrefix: 'key' },
    responses: { 201: { description: 'The new key, shown only now.', schema: issuedApiKeyResponse }, 404: notFound },
    async handle(deps, { tenantId, params: p, newId }) {
      const issued = await rotateApiKey(deps, { tenantId, keyId: p.id ?? '', newKeyId: newId });
      return { statusCode: 201, body: presentIssuedApiKey(issued) };
    },
  }),
];
