/** Every input limit is a named constant; each is checked here at its edge, through the HTTP API. */
import { MAX_API_KEY_CHARS } from '#lib/domain/api-keys';
import { buildReplyRequest, generateReply } from '#lib/app/generate-reply';
import { createKnowledgeBase } from '#lib/app/knowledge/knowledge-bases';
import { MAX_DROPOFF_HOURS, MAX_NUDGES } from '#lib/domain/limits/follow-ups';
import { MAX_HISTORY_MESSAGES } from '#lib/domain/limits/generation';
import {
  API_RATE_LIMIT_PER_SECOND,
  DEFAULT_PAGE_SIZE,
  IDEMPOTENCY_TTL_SECONDS,
  MAX_BODY_BYTES,
  MAX_IDEMPOTENCY_KEY_CHARS,
  MAX_PAGE_SIZE,
} from '#lib/domain/limits/http';
import {
  MAX_CONVERSATION_ID_CHARS,
  MAX_CORRECTION_CHARS,
  MAX_MESSAGE_CHARS,
  MAX_METADATA_BYTES,
} from '#lib/domain/limits/messages';
import {
  MAX_AI_KNOWLEDGE_BASES,
  MAX_DESCRIPTION_CHARS,
  MAX_INSTRUCTIONS_CHARS,
  MAX_NAME_CHARS,
  MAX_PRICE_CHARS,
  MAX_PRODUCT_KNOWLEDGE_BASES,
  MAX_REPLY_DELAY_SECONDS,
  MAX_TONE_CHARS,
  MAX_URL_CHARS,
} from '#lib/domain/limits/setup';
import { makeFakeDeps } from '#test/support/fakes';
import { httpClient } from '#test/support/http';
import { givenTenantWithAi, TEST_API_KEY } from '#test/support/scenario';

async function setup() {
  const deps = makeFakeDeps();
  const { ai, tenantId } = await givenTenantWithAi(deps);
  return { ai, deps, tenantId, call: httpClient(deps, TEST_API_KEY) };
}

const aiBody = (overrides: Record<string, unknown>) => ({
  type: 'support',
  name: 'Ada',
  webhooks: { answer_url: 'https://hooks.example.com/a' },
  ...overrides,
});

const productBody = (overrides: Record<string, unknown>) => ({
  name: 'Pro plan',
  description: 'Everything, plus priority support.',
  ...overrides,
});

const goalBody = (overrides: Record<string, unknown>) => ({
  name: 'Book a demo',
  description: 'A 30-minute call.',
  goal_url: 'https://example.com/demo',
  ...overrides,
});

describe('input limits', () => {
  it(`accepts a message of ${MAX_MESSAGE_CHARS} characters and refuses one more`, async () => {
    const { ai, call } = await setup();
    const post = (message: string) => call('POST', '/v2/messages', { ai_id: ai.id, conversation_id: 'c', message });

    expect((await post('x'.repeat(MAX_MESSAGE_CHARS))).status).toBe(202);
    const over = await post('x'.repeat(MAX_MESSAGE_CHARS + 1));
    expect([over.status, over.body.error.details[0].path]).toEqual([400, 'message']);
  });

  it(`accepts a feedback correction of ${MAX_CORRECTION_CHARS} characters and refuses one more`, async () => {
    const deps = makeFakeDeps();
    await givenTenantWithAi(deps);
    const call = httpClient(deps, TEST_API_KEY);
    const posted = await call('POST', '/v1/conversations', { question: 'How much?', conversation_id: 'c' });
    for (const job of deps.generationQueue.jobs.splice(0)) await generateReply(deps, { ...job, attempt: 1 });
    const rate = (correction: string) =>
      call('POST', `/v1/conversations/c/messages/${posted.body.message_id}/feedback`, { rating: 'down', correction });

    expect((await rate('c'.repeat(MAX_CORRECTION_CHARS))).status).toBe(200);
    const over = await rate('c'.repeat(MAX_CORRECTION_CHARS + 1));
    expect([over.status, over.body.error.details[0].path]).toEqual([400, 'correction']);
  });

  it(`refuses a body over ${MAX_BODY_BYTES} bytes with a 413`, async () => {
    const { call } = await setup();

    const response = await call('POST', '/v2/messages', `"${'x'.repeat(MAX_BODY_BYTES)}"`);

    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('payload_too_large');
  });

  it(`accepts a conversation id of ${MAX_CONVERSATION_ID_CHARS} characters and refuses one more`, async () => {
    const { ai, call } = await setup();
    const post = (id: string) => call('POST', '/v2/messages', { ai_id: ai.id, conversation_id: id, message: 'Hi' });

    expect((await post('c'.repeat(MAX_CONVERSATION_ID_CHARS))).status).toBe(202);
    const over = await post('c'.repeat(MAX_CONVERSATION_ID_CHARS + 1));
    expect([over.status, over.body.error.details[0].path]).toEqual([400, 'conversation_id']);
  });

  it(`refuses metadata over ${MAX_METADATA_BYTES} bytes`, async () => {
    const { ai, call } = await setup();

    const response = await call('POST', '/v2/messages', {
      ai_id: ai.id,
      conversation_id: 'c',
      message: 'Hi',
      metadata: { note: 'x'.repeat(MAX_METADATA_BYTES) },
    });

    expect([response.status, response.body.error.details[0].path]).toEqual([400, 'metadata']);
  });

  it(`refuses an Idempotency-Key over ${MAX_IDEMPOTENCY_KEY_CHARS} characters`, async () => {
    const { ai, call } = await setup();
    const body = { ai_id: ai.id, conversation_id: 'c', message: 'Hi' };

    const ok = await call('POST', '/v2/messages', body, { 'idempotency-key': 'k'.repeat(MAX_IDEMPOTENCY_KEY_CHARS) });
    const over = await call('POST', '/v2/messages', body, {
      'idempotency-key': 'k'.repeat(MAX_IDEMPOTENCY_KEY_CHARS + 1),
    });

    expect(ok.status).toBe(202);
    expect([over.status, over.body.error.details[0].path]).toEqual([400, 'Idempotency-Key']);
  });

  it(`refuses an AI name over ${MAX_NAME_CHARS} and instructions over ${MAX_INSTRUCTIONS_CHARS} characters`, async () => {
    const { call } = await setup();

    const name = await call('POST', '/v1/ais', aiBody({ name: 'n'.repeat(MAX_NAME_CHARS + 1) }));
    const instructions = await call(
      'POST',
      '/v1/ais',
      aiBody({ instructions: 'i'.repeat(MAX_INSTRUCTIONS_CHARS + 1) }),
    );
    const both = await call(
      'POST',
      '/v1/ais',
      aiBody({ name: 'n'.repeat(MAX_NAME_CHARS), instructions: 'i'.repeat(MAX_INSTRUCTIONS_CHARS) }),
    );

    expect([name.status, name.body.error.details[0].path]).toEqual([400, 'name']);
    expect([instructions.status, instructions.body.error.details[0].path]).toEqual([400, 'instructions']);
    expect(both.status).toBe(201);
  });

  it(`refuses a product, strategy or goal name over ${MAX_NAME_CHARS} and strategy instructions over ${MAX_INSTRUCTIONS_CHARS} characters`, async () => {
    const { call } = await setup();
    const strategy = { name: 'n'.repeat(MAX_NAME_CHARS), instructions: 'i'.repeat(MAX_INSTRUCTIONS_CHARS) };

    const atLimit = await call('POST', '/v1/strategies', strategy);
    const names = await Promise.all(
      [
        ['/v1/products', productBody({})],
        ['/v1/strategies', strategy],
        ['/v1/goals', goalBody({})],
      ].map(([path, body]) =>
        call('POST', String(path), { ...(body as object), name: 'n'.repeat(MAX_NAME_CHARS + 1) }),
      ),
    );
    const instructions = await call('POST', '/v1/strategies', {
      ...strategy,
      instructions: 'i'.repeat(MAX_INSTRUCTIONS_CHARS + 1),
    });

    expect(atLimit.status).toBe(201);
    expect(names.map((r) => [r.status, r.body.error.details[0].path])).toEqual([
      [400, 'name'],
      [400, 'name'],
      [400, 'name'],
    ]);
    expect([instructions.status, instructions.body.error.details[0].path]).toEqual([400, 'instructions']);
  });

  it(`accepts a product or goal description of ${MAX_DESCRIPTION_CHARS} characters and refuses one more`, async () => {
    const { call } = await setup();
    const description = 'd'.repeat(MAX_DESCRIPTION_CHARS);

    const ok = [
      await call('POST', '/v1/products', productBody({ description })),
      await call('POST', '/v1/goals', goalBody({ description })),
    ];
    const over = [
      await call('POST', '/v1/products', productBody({ description: `${description}d` })),
      await call('POST', '/v1/goals', goalBody({ description: `${description}d` })),
    ];

    expect(ok.map((r) => r.status)).toEqual([201, 201]);
    expect(over.map((r) => [r.status, r.body.error.details[0].path])).toEqual([
      [400, 'description'],
      [400, 'description'],
    ]);
  });

  it(`accepts a product price of ${MAX_PRICE_CHARS} characters and refuses one more`, async () => {
    const { call } = await setup();

    expect((await call('POST', '/v1/products', productBody({ price: 'p'.repeat(MAX_PRICE_CHARS) }))).status).toBe(201);
    const over = await call('POST', '/v1/products', productBody({ price: 'p'.repeat(MAX_PRICE_CHARS + 1) }));
    expect([over.status, over.body.error.details[0].path]).toEqual([400, 'price']);
  });

  it(`accepts a product naming ${MAX_PRODUCT_KNOWLEDGE_BASES} knowledge bases and refuses one more`, async () => {
    const { call, deps, tenantId } = await setup();
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `kb_${i}`);
    for (const id of ids(MAX_PRODUCT_KNOWLEDGE_BASES + 1)) await createKnowledgeBase(deps, { tenantId, id, name: id });

    const ok = await call(
      'POST',
      '/v1/products',
      productBody({ knowledge_base_ids: ids(MAX_PRODUCT_KNOWLEDGE_BASES) }),
    );
    const over = await call(
      'POST',
      '/v1/products',
      productBody({ knowledge_base_ids: ids(MAX_PRODUCT_KNOWLEDGE_BASES + 1) }),
    );

    expect(ok.status).toBe(201);
    expect([over.status, over.body.error.details[0].path]).toEqual([400, 'knowledge_base_ids']);
  });

  it(`accepts a strategy tone of ${MAX_TONE_CHARS} characters and refuses one more`, async () => {
    const { call } = await setup();
    const strategy = (tone: string) => ({ name: 'Direct', instructions: 'Be direct.', tone });

    expect((await call('POST', '/v1/strategies', strategy('t'.repeat(MAX_TONE_CHARS)))).status).toBe(201);
    const over = await call('POST', '/v1/strategies', strategy('t'.repeat(MAX_TONE_CHARS + 1)));
    expect([over.status, over.body.error.details[0].path]).toEqual([400, 'tone']);
  });

  it(`refuses a goal_url over ${MAX_URL_CHARS} characters`, async () => {
    const { call } = await setup();
    const url = (length: number) => `https://example.com/${'p'.repeat(length - 'https://example.com/'.length)}`;

    expect((await call('POST', '/v1/goals', goalBody({ goal_url: url(MAX_URL_CHARS) }))).status).toBe(201);
    const over = await call('POST', '/v1/goals', goalBody({ goal_url: url(MAX_URL_CHARS + 1) }));
    expect([over.status, over.body.error.details[0].path]).toEqual([400, 'goal_url']);
  });

  it(`allows a reply delay of up to ${MAX_REPLY_DELAY_SECONDS} seconds`, async () => {
    const { call } = await setup();

    expect((await call('POST', '/v1/ais', aiBody({ reply_delay_seconds: MAX_REPLY_DELAY_SECONDS }))).status).toBe(201);
    const over = await call('POST', '/v1/ais', aiBody({ reply_delay_seconds: MAX_REPLY_DELAY_SECONDS + 1 }));
    expect([over.status, over.body.error.details[0].path]).toEqual([400, 'reply_delay_seconds']);
  });

  it(`refuses a webhook URL over ${MAX_URL_CHARS} characters`, async () => {
    const { call } = await setup();
    const long = `https://hooks.example.com/${'p'.repeat(MAX_URL_CHARS)}`;

    const response = await call('POST', '/v1/ais', aiBody({ webhooks: { answer_url: long } }));

    expect([response.status, response.body.error.details[0].path]).toEqual([400, 'webhooks.answer_url']);
  });

  it(`answers ${API_RATE_LIMIT_PER_SECOND} requests per second and API key, and refuses one more with 429`, async () => {
    const { call } = await setup();
    for (let i = 0; i < API_RATE_LIMIT_PER_SECOND; i++) expect((await call('GET', '/v1/ais')).status).toBe(200);

    const over = await call('GET', '/v1/ais');

    expect([over.status, over.headers['retry-after'], over.body.error.code]).toEqual([429, '1', 'rate_limited']);
  });

  it(`serves pages of up to ${MAX_PAGE_SIZE} items`, async () => {
    const { call } = await setup();

    expect((await call('GET', `/v1/ais?limit=${MAX_PAGE_SIZE}`)).status).toBe(200);
    const over = await call('GET', `/v1/ais?limit=${MAX_PAGE_SIZE + 1}`);
    expect([over.status, over.body.error.details[0].path]).toEqual([400, 'limit']);
  });

  it(`serves ${DEFAULT_PAGE_SIZE} items when no limit is asked for`, async () => {
    const { call, deps } = await setup();
    for (let i = 0; i < DEFAULT_PAGE_SIZE; i++) await call('POST', '/v1/ais', aiBody({ name: `AI ${i}` }));
    deps.clock.advance(1_000); // past this second's rate limit

    const page = await call('GET', '/v1/ais');

    expect(page.body.data).toHaveLength(DEFAULT_PAGE_SIZE);
    expect(page.body.next_cursor).not.toBeNull();
  });

  it(`shows the model at most the last ${MAX_HISTORY_MESSAGES} earlier messages`, async () => {
    const deps = makeFakeDeps();
    const { ai } = await givenTenantWithAi(deps);
    const conversation = {
      tenantId: ai.tenantId,
      id: 'c',
      aiId: ai.id,
      status: 'active' as const,
      contact: {},
      metadata: {},
      createdAt: '',
      updatedAt: '',
    };
    const messages = Array.from({ length: MAX_HISTORY_MESSAGES + 10 }, (_, i) => ({
      tenantId: ai.tenantId,
      conversationId: 'c',
      id: `msg_${String(i).padStart(3, '0')}`,
      direction: 'inbound' as const,
      kind: 'prospect' as const,
      text: `message ${i}`,
      createdAt: new Date(i * 1000).toISOString(),
    }));
    const pending = messages.slice(-1);

    const request = buildReplyRequest({ ai, conversation, messages, unanswered: pending }, new Date());

    expect(request.history).toHaveLength(MAX_HISTORY_MESSAGES);
    expect(request.history.at(-1)?.text).toBe(`message ${MAX_HISTORY_MESSAGES + 8}`);
    expect(request.pending.map((t) => t.text)).toEqual([`message ${MAX_HISTORY_MESSAGES + 9}`]);
  });

  it(`remembers an Idempotency-Key for ${IDEMPOTENCY_TTL_SECONDS} seconds, and then takes it as new`, async () => {
    const { ai, call, deps } = await setup();
    const body = { ai_id: ai.id, conversation_id: 'c', message: 'Hi' };
    const post = () => call('POST', '/v2/messages', body, { 'idempotency-key': 'order-42' });
    const first = await post();

    deps.clock.advance(IDEMPOTENCY_TTL_SECONDS * 1000 - 1);
    const replayed = await post();
    deps.clock.advance(1);
    const fresh = await post();

    expect([replayed.status, replayed.headers['idempotent-replayed'], replayed.body]).toEqual([
      202,
      'true',
      first.body,
    ]);
    expect(fresh.status).toBe(202);
    expect(fresh.headers['idempotent-replayed']).toBeUndefined();
    expect(fresh.body.message_id).not.toBe(first.body.message_id);
  });

  it(`accepts an AI naming ${MAX_AI_KNOWLEDGE_BASES} knowledge bases and refuses one more`, async () => {
    const { call, deps, tenantId } = await setup();
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `kb_${i}`);
    for (const id of ids(MAX_AI_KNOWLEDGE_BASES + 1)) await createKnowledgeBase(deps, { tenantId, id, name: id });

    const ok = await call('POST', '/v1/ais', aiBody({ knowledge_base_ids: ids(MAX_AI_KNOWLEDGE_BASES) }));
    const over = await call('POST', '/v1/ais', aiBody({ knowledge_base_ids: ids(MAX_AI_KNOWLEDGE_BASES + 1) }));

    expect(ok.status).toBe(201);
    expect([over.status, over.body.error.details[0].path]).toEqual([400, 'knowledge_base_ids']);
  });

  it(`accepts ${MAX_NUDGES} nudges after ${MAX_DROPOFF_HOURS} hours of silence, on an AI or a strategy, and refuses more`, async () => {
    const { call } = await setup();
    const followUp = (overrides: object) => ({
      follow_up: {
        enabled: true,
        dropoff_after_hours: MAX_DROPOFF_HOURS,
        max_nudges: MAX_NUDGES,
        timezone: 'UTC',
        ...overrides,
      },
    });
    const strategy = (overrides: object) => ({ name: 'Direct', instructions: 'Be direct.', ...followUp(overrides) });

    const ok = [
      await call('POST', '/v1/ais', aiBody(followUp({}))),
      await call('POST', '/v1/strategies', strategy({})),
    ];
    const over = [
      await call('POST', '/v1/ais', aiBody(followUp({ max_nudges: MAX_NUDGES + 1 }))),
      await call('POST', '/v1/ais', aiBody(followUp({ dropoff_after_hours: MAX_DROPOFF_HOURS + 1 }))),
      await call('POST', '/v1/strategies', strategy({ max_nudges: MAX_NUDGES + 1 })),
    ];

    expect(ok.map((r) => r.status)).toEqual([201, 201]);
    expect(over.map((r) => [r.status, r.body.error.details[0].path])).toEqual([
      [400, 'follow_up.max_nudges'],
      [400, 'follow_up.dropoff_after_hours'],
      [400, 'follow_up.max_nudges'],
    ]);
  });

  it(`treats an API key over ${MAX_API_KEY_CHARS} characters as invalid without looking it up`, async () => {
    const deps = makeFakeDeps();
    deps.tenants.findApiKeyByHash = async () => {
      throw new Error('must not be looked up');
    };

    const response = await httpClient(deps, 'k'.repeat(MAX_API_KEY_CHARS + 1))('GET', '/v1/ais');

    expect(response.status).toBe(401);
  });
});
