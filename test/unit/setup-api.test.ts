import { createKnowledgeBase } from '#lib/app/knowledge/knowledge-bases';
import { loadSalesSetup } from '#lib/app/setup';
import { ensureTenantForKey } from '#lib/app/tenants';
import { makeFakeDeps } from '#test/support/fakes';
import { httpClient } from '#test/support/http';
import { givenTenantWithAi, TEST_API_KEY } from '#test/support/scenario';

const hook = 'https://hooks.example.com/answer';
const newAi = { type: 'sales', name: 'Max', webhooks: { answer_url: hook } };
const product = { name: 'Pro plan', description: 'Everything, plus priority support.', price: '$49/month' };
const strategy = { name: 'Consultative', instructions: 'Ask about their team first.', tone: 'warm' };
const goal = { name: 'Book a demo', description: 'A 30-minute call.', goal_url: 'https://example.com/demo' };

async function setup() {
  const deps = makeFakeDeps();
  const { tenantId } = await givenTenantWithAi(deps);
  await createKnowledgeBase(deps, { tenantId, id: 'kb_1', name: 'Product docs' });
  return { deps, tenantId, call: httpClient(deps, TEST_API_KEY) };
}

async function givenStranger(deps: ReturnType<typeof makeFakeDeps>) {
  await ensureTenantForKey(deps, { apiKey: 'prly_other_tenant_key_0000', tenantName: 'Other' });
  return httpClient(deps, 'prly_other_tenant_key_0000');
}

const KINDS = [
  {
    path: '/v1/products',
    idPrefix: 'prod_',
    create: { ...product, knowledge_base_ids: ['kb_1'] },
    created: { ...product, knowledge_base_ids: ['kb_1'] },
    patch: { name: 'Pro', price: null, knowledge_base_ids: null },
    patched: { name: 'Pro', description: product.description, knowledge_base_ids: [] },
  },
  {
    path: '/v1/strategies',
    idPrefix: 'strat_',
    create: strategy,
    created: strategy,
    patch: { instructions: 'Be direct.', tone: null },
    patched: { name: strategy.name, instructions: 'Be direct.' },
  },
  {
    path: '/v1/goals',
    idPrefix: 'goal_',
    create: goal,
    created: goal,
    patch: { goal_url: 'http://example.com/trial' },
    patched: { ...goal, goal_url: 'http://example.com/trial' },
  },
];

describe('products, strategies and goals over HTTP', () => {
  describe.each(KINDS)('$path', (kind) => {
    it('creates, reads, lists and deletes one, after which it is not found', async () => {
      const { call } = await setup();

      const created = await call('POST', kind.path, kind.create);
      const read = await call('GET', `${kind.path}/${created.body.id}`);
      const list = await call('GET', kind.path);
      const deleted = await call('DELETE', `${kind.path}/${created.body.id}`);

      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.stringMatching(new RegExp(`^${kind.idPrefix}`)),
        ...kind.created,
        created_at: '2026-11-27T10:00:00.000Z',
        updated_at: '2026-11-27T10:00:00.000Z',
      });
      expect(read).toMatchObject({ status: 200, body: created.body });
      expect(list.body).toEqual({ data: [created.body], next_cursor: null });
      expect(deleted.status).toBe(204);
      expect((await call('GET', `${kind.path}/${created.body.id}`)).status).toBe(404);
      expect((await call('DELETE', `${kind.path}/${created.body.id}`)).body.error.code).toBe('not_found');
    });

    it('changes only the fields a PATCH names, and clears those set to null', async () => {
      const { call, deps } = await setup();
      const { body: created } = await call('POST', kind.path, kind.create);
      deps.clock.advance(60_000);

      const patched = await call('PATCH', `${kind.path}/${created.id}`, kind.patch);

      expect(patched.status).toBe(200);
      expect(patched.body).toEqual({
        id: created.id,
        ...kind.patched,
        created_at: created.created_at,
        updated_at: '2026-11-27T10:01:00.000Z',
      });
      expect((await call('GET', `${kind.path}/${created.id}`)).body).toEqual(patched.body);
    });

    it('refuses an unknown field by name', async () => {
      const { call } = await setup();

      const response = await call('POST', kind.path, { ...kind.create, colour: 'blue' });

      expect(response.status).toBe(400);
      expect(response.body.error.details).toEqual([{ path: 'colour', message: 'unknown field' }]);
    });

    it('returns the first response for a repeated Idempotency-Key', async () => {
      const { call } = await setup();
      const headers = { 'idempotency-key': 'create-once' };

      const first = await call('POST', kind.path, kind.create, headers);
      const again = await call('POST', kind.path, kind.create, headers);

      expect(again.body).toEqual(first.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect((await call('GET', kind.path)).body.data).toHaveLength(1);
    });

    it("hides one tenant's items from another", async () => {
      const { call, deps } = await setup();
      const { body: created } = await call('POST', kind.path, kind.create);
      const stranger = await givenStranger(deps);

      expect((await stranger('GET', `${kind.path}/${created.id}`)).status).toBe(404);
      expect((await stranger('PATCH', `${kind.path}/${created.id}`, { name: 'Mine' })).status).toBe(404);
      expect((await stranger('DELETE', `${kind.path}/${created.id}`)).status).toBe(404);
      expect((await stranger('GET', kind.path)).body.data).toEqual([]);
      expect((await call('GET', `${kind.path}/${created.id}`)).body).toEqual(created);
    });
  });

  it('lists products a page at a time with a cursor', async () => {
    const { call } = await setup();
    for (let i = 0; i < 3; i++) await call('POST', '/v1/products', { ...product, name: `Plan ${i}` });

    const first = await call('GET', '/v1/products?limit=2');
    const second = await call('GET', `/v1/products?limit=2&cursor=${first.body.next_cursor}`);

    expect(second.body.next_cursor).toBeNull();
    const names = [...first.body.data, ...second.body.data].map((p: { name: string }) => p.name);
    expect(names).toEqual(['Plan 0', 'Plan 1', 'Plan 2']);
  });

  it('refuses a goal_url that is not an http(s) URL, naming goal_url', async () => {
    const { call } = await setup();

    const responses = await Promise.all(
      ['ftp://example.com/file', 'javascript:alert(1)', 'example.com/demo', ''].map((url) =>
        call('POST', '/v1/goals', { ...goal, goal_url: url }),
      ),
    );

    for (const response of responses) {
      expect(response.status).toBe(400);
      expect(response.body.error.details).toEqual([{ path: 'goal_url', message: expect.stringContaining('http(s)') }]);
    }
  });

  it('refuses a missing description and a repeated knowledge base id, naming each field', async () => {
    const { call } = await setup();

    const response = await call('POST', '/v1/products', { name: 'Pro', knowledge_base_ids: ['kb_1', 'kb_1'] });

    expect(response.status).toBe(400);
    expect(response.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'description',
      'knowledge_base_ids',
    ]);
  });
});

describe('AIs that use a product, strategy and goal', () => {
  async function givenSalesSetup() {
    const context = await setup();
    const { call } = context;
    const [p, s, g] = await Promise.all([
      call('POST', '/v1/products', product),
      call('POST', '/v1/strategies', strategy),
      call('POST', '/v1/goals', goal),
    ]);
    const refs = { product_id: p.body.id, strategy_id: s.body.id, goal_id: g.body.id };
    return { ...context, refs };
  }

  it('creates an AI that references them and shows the references', async () => {
    const { call, refs } = await givenSalesSetup();

    const created = await call('POST', '/v1/ais', { ...newAi, ...refs });

    expect(created.status).toBe(201);
    expect((await call('GET', `/v1/ais/${created.body.id}`)).body).toMatchObject(refs);
  });

  it('refuses an AI whose product_id names no product, naming product_id', async () => {
    const { call, refs } = await givenSalesSetup();

    const response = await call('POST', '/v1/ais', { ...newAi, ...refs, product_id: 'prod_missing' });

    expect(response.status).toBe(404);
    expect(response.body.error).toEqual({
      code: 'not_found',
      message: 'no product with id prod_missing',
      details: [{ path: 'product_id', message: 'no product with id prod_missing' }],
    });
    expect((await call('GET', '/v1/ais')).body.data).toHaveLength(1);
  });

  it("refuses another tenant's goal in a PATCH, naming goal_id, and clears a reference set to null", async () => {
    const { call, deps, refs } = await givenSalesSetup();
    const { body: ai } = await call('POST', '/v1/ais', { ...newAi, ...refs });
    const stranger = await givenStranger(deps);
    const { body: theirGoal } = await stranger('POST', '/v1/goals', goal);

    const refused = await call('PATCH', `/v1/ais/${ai.id}`, { goal_id: theirGoal.id });
    const cleared = await call('PATCH', `/v1/ais/${ai.id}`, { goal_id: null, name: 'Maxine' });

    expect(refused.status).toBe(404);
    expect(refused.body.error.details).toEqual([{ path: 'goal_id', message: `no goal with id ${theirGoal.id}` }]);
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ name: 'Maxine', product_id: refs.product_id, strategy_id: refs.strategy_id });
    expect(cleared.body).not.toHaveProperty('goal_id');
  });

  it('refuses to delete a goal an AI uses with a 409 naming the AI, and deletes it once unused', async () => {
    const { call, refs } = await givenSalesSetup();
    const { body: ai } = await call('POST', '/v1/ais', { ...newAi, goal_id: refs.goal_id });

    const refused = await call('DELETE', `/v1/goals/${refs.goal_id}`);
    await call('PATCH', `/v1/ais/${ai.id}`, { goal_id: null });
    const deleted = await call('DELETE', `/v1/goals/${refs.goal_id}`);

    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'conflict',
      details: [{ path: 'id', message: `used by AI Max (${ai.id})` }],
    });
    expect(deleted.status).toBe(204);
  });

  it('names every AI that uses a product when refusing to delete it', async () => {
    const { call, refs } = await givenSalesSetup();
    const { body: first } = await call('POST', '/v1/ais', { ...newAi, product_id: refs.product_id });
    const { body: second } = await call('POST', '/v1/ais', { ...newAi, name: 'Mia', product_id: refs.product_id });

    const refused = await call('DELETE', `/v1/products/${refs.product_id}`);

    expect(refused.body.error.details).toEqual([
      { path: 'id', message: `used by AI Max (${first.id})` },
      { path: 'id', message: `used by AI Mia (${second.id})` },
    ]);
    expect((await call('GET', `/v1/products/${refs.product_id}`)).status).toBe(200);
  });
});

describe('loadSalesSetup', () => {
  it("returns the AI's product, strategy and goal, leaving out one that no longer exists", async () => {
    const deps = makeFakeDeps();
    const call = httpClient(deps, TEST_API_KEY);
    const { tenantId } = await givenTenantWithAi(deps);
    const { body: p } = await call('POST', '/v1/products', product);
    const { body: g } = await call('POST', '/v1/goals', goal);
    const { body: ai } = await call('POST', '/v1/ais', { ...newAi, product_id: p.id, goal_id: g.id });
    await deps.setup.deleteSetupItem('goal', tenantId, g.id);

    const loaded = await loadSalesSetup(deps, (await deps.ais.getAi(tenantId, ai.id))!);

    expect(loaded).toEqual({ product: expect.objectContaining({ id: p.id, name: 'Pro plan', price: '$49/month' }) });
  });
});
