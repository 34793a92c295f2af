/**
 * Products, strategies and goals end to end: the local runtime in its own process (DynamoDB on
 * dynalite), driven over HTTP as a client would set up a sales AI.
 */
import { jest } from '@jest/globals';
import { apiClient, type RuntimeProcess, startRuntimeProcess } from '#test/support/runtime-process';

// The runtime runs as a separate process; starting it takes seconds.
jest.setTimeout(60_000);

describe('setting up a sales AI on the local runtime', () => {
  let runtime: RuntimeProcess;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    runtime = await startRuntimeProcess();
    api = apiClient(runtime);
  });

  afterAll(async () => {
    await runtime?.stop();
  });

  it('creates a product, strategy and goal, an AI using them, and refuses to delete what the AI uses', async () => {
    const product = await api('POST', '/v1/products', {
      name: 'Pro plan',
      description: 'Everything, plus priority support.',
      price: '$49/month',
    });
    const strategy = await api('POST', '/v1/strategies', { name: 'Consultative', instructions: 'Ask first.' });
    const goal = await api('POST', '/v1/goals', {
      name: 'Book a demo',
      description: 'A 30-minute call.',
      goal_url: 'https://example.com/demo',
    });
    const refs = { product_id: product.body.id, strategy_id: strategy.body.id, goal_id: goal.body.id };

    const ai = await api('POST', '/v1/ais', {
      type: 'sales',
      name: 'Max',
      webhooks: { answer_url: 'http://127.0.0.1:9/answer' },
      ...refs,
    });
    const refused = await api('DELETE', `/v1/goals/${refs.goal_id}`);
    const missing = await api('PATCH', `/v1/ais/${ai.body.id}`, { strategy_id: 'strat_missing' });

    expect([product.status, strategy.status, goal.status, ai.status]).toEqual([201, 201, 201, 201]);
    expect((await api('GET', `/v1/ais/${ai.body.id}`)).body).toMatchObject(refs);
    expect(refused.status).toBe(409);
    expect(refused.body.error.details).toEqual([{ path: 'id', message: `used by AI Max (${ai.body.id})` }]);
    expect([missing.status, missing.body.error.details[0].path]).toEqual([404, 'strategy_id']);
    expect((await api('GET', `/v1/goals/${refs.goal_id}`)).body).toMatchObject({
      goal_url: 'https://example.com/demo',
    });
  });

  it('tests a response synchronously over HTTP: the goal link for an interested prospect', async () => {
    const goal = await api('POST', '/v1/goals', {
      name: 'Start a trial',
      description: 'A free 14-day trial.',
      goal_url: 'https://example.com/trial',
    });
    const ai = await api('POST', '/v1/ais', {
      type: 'sales',
      name: 'Tess',
      webhooks: { answer_url: 'http://127.0.0.1:9/answer' },
      goal_id: goal.body.id,
    });

    const tested = await api('POST', `/v1/ais/${ai.body.id}/test`, {
      message: "Sounds good, I'm interested. How do I sign up?",
      history: [{ role: 'prospect', text: 'Hi, what do you offer?' }],
    });

    expect(tested.status).toBe(200);
    expect(tested.body).toMatchObject({ needs_human: false, citations: [], follow_up_at: null });
    expect(tested.body.reply).toContain('https://example.com/trial');
    expect(tested.body.latency_ms).toEqual(expect.any(Number));
  });

  it('deletes a product once the AI no longer uses it', async () => {
    const product = await api('POST', '/v1/products', { name: 'Basic', description: 'The essentials.' });
    const ai = await api('POST', '/v1/ais', {
      type: 'sales',
      name: 'Mia',
      webhooks: { answer_url: 'http://127.0.0.1:9/answer' },
      product_id: product.body.id,
    });

    await api('PATCH', `/v1/ais/${ai.body.id}`, { product_id: null });
    const deleted = await api('DELETE', `/v1/products/${product.body.id}`);

    expect(deleted.status).toBe(204);
    expect((await api('GET', `/v1/products/${product.body.id}`)).status).toBe(404);
    const listed = (await api('GET', '/v1/products')).body.data.map((p: { id: string }) => p.id);
    expect(listed).not.toContain(product.body.id);
  });
});
