import { createHttpHandler } from '#functions/http/router';
import { routes } from '#functions/http/routes/index';
import { ensureTenantForKey } from '#lib/app/tenants';
import { makeFakeDeps } from '#test/support/fakes';
import { apiEvent, httpClient } from '#test/support/http';
import { givenTenantWithAi, TEST_API_KEY } from '#test/support/scenario';

const hook = 'https://hooks.example.com/answer';
const newAi = { type: 'sales', name: 'Max', webhooks: { answer_url: hook } };

async function setup() {
  const deps = makeFakeDeps();
  const { tenantId, ai } = await givenTenantWithAi(deps);
  return { deps, tenantId, ai, call: httpClient(deps, TEST_API_KEY) };
}

describe('the HTTP API', () => {
  describe('authentication', () => {
    it('accepts the key as a Bearer token or in x-api-key', async () => {
      const { deps } = await setup();
      const handle = createHttpHandler(routes);

      const bearer = await handle(
        deps,
        apiEvent('GET', '/v1/ais', { headers: { authorization: `Bearer ${TEST_API_KEY}` } }),
      );
      const header = await handle(deps, apiEvent('GET', '/v1/ais', { headers: { 'x-api-key': TEST_API_KEY } }));

      expect([bearer.statusCode, header.statusCode]).toEqual([200, 200]);
    });

    it('answers 401 with the contract error body without a valid key', async () => {
      const { deps } = await setup();
      const handle = createHttpHandler(routes);

      const missing = await handle(deps, apiEvent('GET', '/v1/ais'));
      const wrong = await httpClient(deps, 'prly_wrong_key_000000000')('GET', '/v1/ais');

      expect(missing.statusCode).toBe(401);
      expect(JSON.parse(missing.body ?? '')).toEqual({
        error: { code: 'unauthorized', message: expect.stringContaining('missing API key') },
      });
      expect(wrong.status).toBe(401);
    });

    it('serves /health and /openapi.json without a key', async () => {
      const { deps } = await setup();
      const handle = createHttpHandler(routes);

      const health = await handle(deps, apiEvent('GET', '/health'));
      const openapi = await handle(deps, apiEvent('GET', '/openapi.json'));

      expect(health.statusCode).toBe(200);
      expect(openapi.statusCode).toBe(200);
    });
  });

  describe('the OpenAPI document', () => {
    it('documents every route of the table, generated from the request schemas', async () => {
      const { deps } = await setup();
      const doc = JSON.parse((await createHttpHandler(routes)(deps, apiEvent('GET', '/openapi.json'))).body ?? '{}');

      const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops as object).map((m) => `${m.toUpperCase()} ${path}`),
      );

      expect(documented.sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
      const messageBody = doc.paths['/v2/messages'].post.requestBody.content['application/json'].schema;
      expect(messageBody.required).toEqual(expect.arrayContaining(['ai_id', 'conversation_id', 'message']));
      expect(messageBody.additionalProperties).toBe(false);
    });
  });

  describe('AIs', () => {
    it('creates an AI and shows its webhook secret only on creation', async () => {
      const { call } = await setup();

      const created = await call('POST', '/v1/ais', newAi);
      const read = await call('GET', `/v1/ais/${created.body.id}`);

      expect(created.status).toBe(201);
      expect(created.body.webhook_secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
      expect(read.body).toEqual({
        id: created.body.id,
        type: 'sales',
        name: 'Max',
        webhooks: { answer_url: hook },
        output_format: 'text',
        reply_delay_seconds: 0,
        knowledge_base_ids: [],
        emergency: {
          enabled: true,
          triggers: ['human_requested', 'ungrounded', 'complaint', 'legal_threat', 'repeated_failure'],
          pause_ai: false,
        },
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
    });

    it('lists AIs a page at a time with a cursor', async () => {
      const { call } = await setup();
      for (let i = 0; i < 3; i++) await call('POST', '/v1/ais', { ...newAi, name: `AI ${i}` });

      const first = await call('GET', '/v1/ais?limit=2');
      const second = await call('GET', `/v1/ais?limit=2&cursor=${first.body.next_cursor}`);

      expect(first.body.data).toHaveLength(2);
      expect(second.body.data).toHaveLength(2);
      expect(second.body.next_cursor).toBeNull();
      const names = [...first.body.data, ...second.body.data].map((ai: { name: string }) => ai.name);
      expect(names).toEqual(['Ada', 'AI 0', 'AI 1', 'AI 2']);
    });

    it('changes only the fields a PATCH names, and clears those set to null', async () => {
      const { call } = await setup();
      const { body: ai } = await call('POST', '/v1/ais', {
        ...newAi,
        instructions: 'Be brief.',
        webhooks: { answer_url: hook, emergency_url: hook },
      });

      const patched = await call('PATCH', `/v1/ais/${ai.id}`, {
        name: 'Maxine',
        instructions: null,
        webhooks: { follow_up_url: 'https://hooks.example.com/follow-up' },
      });

      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ name: 'Maxine', type: 'sales' });
      expect(patched.body.instructions).toBeUndefined();
      expect(patched.body.webhooks).toEqual({
        answer_url: hook,
        emergency_url: hook,
        follow_up_url: 'https://hooks.example.com/follow-up',
      });
    });

    it('deletes an AI, after which it is not found', async () => {
      const { call, ai } = await setup();

      const deleted = await call('DELETE', `/v1/ais/${ai.id}`);
      const again = await call('DELETE', `/v1/ais/${ai.id}`);

      expect(deleted.status).toBe(204);
      expect(again.status).toBe(404);
      expect((await call('GET', `/v1/ais/${ai.id}`)).status).toBe(404);
    });

    it('rotates the webhook secret, keeping the new one for signing', async () => {
      const { call, deps, tenantId, ai } = await setup();

      const rotated = await call('POST', `/v1/ais/${ai.id}/rotate-secret`);

      expect(rotated.status).toBe(200);
      expect(rotated.body.webhook_secret).not.toBe(ai.webhookSecret);
      expect((await deps.ais.getAi(tenantId, ai.id))?.webhookSecret).toBe(rotated.body.webhook_secret);
    });

    it('refuses webhook URLs that point at metadata, private or non-http addresses, naming the field', async () => {
      const { call } = await setup();

      const responses = await Promise.all(
        ['http://169.254.169.254/latest', 'http://10.0.0.7/hook', 'ftp://example.com/x'].map((url) =>
          call('POST', '/v1/ais', { ...newAi, webhooks: { answer_url: hook, emergency_url: url } }),
        ),
      );

      for (const response of responses) {
        expect(response.status).toBe(400);
        expect(response.body.error.details[0].path).toBe('webhooks.emergency_url');
      }
    });

    it("hides one tenant's AIs from another", async () => {
      const { deps, ai } = await setup();
      await ensureTenantForKey(deps, { apiKey: 'prly_other_tenant_key_0000', tenantName: 'Other' });
      const stranger = httpClient(deps, 'prly_other_tenant_key_0000');

      expect((await stranger('GET', `/v1/ais/${ai.id}`)).status).toBe(404);
      expect((await stranger('GET', '/v1/ais')).body.data).toEqual([]);
    });
  });

  describe('POST /v2/messages', () => {
    it('stores the message, queues its conversation and answers 202', async () => {
      const { call, deps, tenantId, ai } = await setup();

      const response = await call('POST', '/v2/messages', { ai_id: ai.id, conversation_id: 'lead-1', message: 'Hi' });

      expect(response.status).toBe(202);
      expect(deps.generationQueue.jobs).toEqual([
        { tenantId, conversationId: 'lead-1', messageId: response.body.message_id },
      ]);
      expect(await deps.conversations.getMessage(tenantId, 'lead-1', response.body.message_id)).toMatchObject({
        status: 'queued',
        text: 'Hi',
      });
    });

    it('refuses a conversation id already used with another AI, naming conversation_id', async () => {
      const { call, ai } = await setup();
      const { body: other } = await call('POST', '/v1/ais', newAi);
      await call('POST', '/v2/messages', { ai_id: ai.id, conversation_id: 'lead-1', message: 'Hi' });

      const response = await call('POST', '/v2/messages', {
        ai_id: other.id,
        conversation_id: 'lead-1',
        message: 'Hi',
      });

      expect(response.status).toBe(409);
      expect(response.body.error.details).toEqual([{ path: 'conversation_id', message: expect.any(String) }]);
    });

    it('writes nothing for an invalid request', async () => {
      const { call, deps, tenantId, ai } = await setup();

      const response = await call('POST', '/v2/messages', {
        ai_id: ai.id,
        conversation_id: 'lead-1',
        message: 'Hi',
        channel: 'fax',
      });

      expect(response.body.error).toEqual({
        code: 'validation_error',
        message: 'invalid request body',
        details: [{ path: 'channel', message: expect.any(String) }],
      });
      expect(await deps.conversations.getConversation(tenantId, 'lead-1')).toBeUndefined();
      expect(deps.generationQueue.jobs).toEqual([]);
    });

    it('replays the first response for a repeated Idempotency-Key and refuses it with another body', async () => {
      const { call, deps, ai } = await setup();
      const body = { ai_id: ai.id, conversation_id: 'lead-1', message: 'Hi' };
      const key = { 'idempotency-key': 'k-1' };

      const first = await call('POST', '/v2/messages', body, key);
      const replay = await call(
        'POST',
        '/v2/messages',
        { message: 'Hi', conversation_id: 'lead-1', ai_id: ai.id },
        key,
      );
      const conflict = await call('POST', '/v2/messages', { ...body, message: 'Hello' }, key);

      expect(replay).toEqual({
        ...first,
        headers: { ...first.headers, 'x-request-id': expect.any(String), 'idempotent-replayed': 'true' },
      });
      expect(conflict.status).toBe(409);
      expect(deps.generationQueue.jobs).toHaveLength(1);
    });

    it('lets a refused request be corrected and sent again under the same Idempotency-Key', async () => {
      const { call, ai } = await setup();
      const key = { 'idempotency-key': 'k-2' };

      const refused = await call(
        'POST',
        '/v2/messages',
        { ai_id: 'ai_typo', conversation_id: 'lead-1', message: 'Hi' },
        key,
      );
      const corrected = await call(
        'POST',
        '/v2/messages',
        { ai_id: ai.id, conversation_id: 'lead-1', message: 'Hi' },
        key,
      );

      expect(refused.status).toBe(404);
      expect(corrected.status).toBe(202);
    });

    it('maps an unexpected failure to a 500 that discloses nothing, and logs it with the request id', async () => {
      const { call, deps, ai } = await setup();
      deps.generationQueue.enqueueGeneration = async () => {
        throw new Error('secret internals: queue https://sqs.example/123');
      };

      const response = await call('POST', '/v2/messages', { ai_id: ai.id, conversation_id: 'lead-1', message: 'Hi' });

      expect(response.status).toBe(500);
      expect(response.body).toEqual({ error: { code: 'internal', message: 'internal error' } });
      expect(deps.logger.lines.find((l) => l.level === 'error')?.extra[0]).toMatchObject({
        requestId: response.headers['x-request-id'],
      });
    });
  });

  describe('routing', () => {
    it('answers 404 for an unknown endpoint and accepts a trailing slash', async () => {
      const { call } = await setup();

      expect((await call('GET', '/v1/nothing-here')).status).toBe(404);
      expect((await call('GET', '/v1/ais/')).status).toBe(200);
    });

    it('reads a percent-encoded conversation id from the path', async () => {
      const { call, ai } = await setup();
      await call('POST', '/v2/messages', { ai_id: ai.id, conversation_id: 'grace+vip@example.com', message: 'Hi' });

      const response = await call('GET', `/v2/conversations/${encodeURIComponent('grace+vip@example.com')}`);

      expect(response.status).toBe(200);
      expect(response.body.conversation_id).toBe('grace+vip@example.com');
    });
  });
});
