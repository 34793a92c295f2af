import { deliverWebhook } from '#lib/app/deliver-webhook';
import { ensureTenantForKey } from '#lib/app/tenants';
import { ENDPOINT_MAX_REQUESTS_PER_SECOND } from '#lib/domain/limits/delivery';
import type { Delivery } from '#lib/domain/types';
import { type FakeDeps, makeFakeDeps } from '#test/support/fakes';
import { httpClient } from '#test/support/http';
import { givenTenantWithAi, TEST_API_KEY } from '#test/support/scenario';

const noJitter = () => 0.5;

async function setup() {
  const deps = makeFakeDeps();
  const { tenantId, ai } = await givenTenantWithAi(deps);
  return { deps, tenantId, ai, call: httpClient(deps, TEST_API_KEY) };
}

/** Stores a delivery of the tenant's AI (due now unless told otherwise) without queueing it. */
async function givenDelivery(
  deps: FakeDeps,
  input: { tenantId: string; aiId: string; id: string } & Partial<Delivery>,
): Promise<Delivery> {
  const now = deps.clock.now().toISOString();
  const delivery: Delivery = {
    eventId: `evt_${input.id}`,
    type: 'message.answered',
    conversationId: 'alice@example.com',
    messageId: `msg_${input.id}`,
    url: 'https://hooks.example.com/answer',
    payload: '{"type":"message.answered"}',
    status: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    createdAt: now,
    updatedAt: now,
    ...input,
  };
  await deps.deliveries.createDelivery(delivery);
  return delivery;
}

describe('GET /v2/deliveries', () => {
  it('lists deliveries newest first, in pages, in the contract shape', async () => {
    const { deps, tenantId, ai, call } = await setup();
    await givenDelivery(deps, { tenantId, aiId: ai.id, id: 'dlv_0001', status: 'succeeded', attempts: 1 });
    await givenDelivery(deps, {
      tenantId,
      aiId: ai.id,
      id: 'dlv_0002',
      status: 'failed',
      attempts: 8,
      lastStatusCode: 500,
      lastError: 'HTTP 500',
    });
    await givenDelivery(deps, { tenantId, aiId: ai.id, id: 'dlv_0003' });

    const first = await call('GET', '/v2/deliveries?limit=2');
    const second = await call('GET', `/v2/deliveries?limit=2&cursor=${first.body.next_cursor}`);

    expect(first.status).toBe(200);
    expect(first.body.data.map((d: { delivery_id: string }) => d.delivery_id)).toEqual(['dlv_0003', 'dlv_0002']);
    expect(first.body.data[1]).toEqual({
      delivery_id: 'dlv_0002',
      event_id: 'evt_dlv_0002',
      type: 'message.answered',
      ai_id: ai.id,
      conversation_id: 'alice@example.com',
      url: 'https://hooks.example.com/answer',
      status: 'failed',
      attempts: 8,
      last_status_code: 500,
      last_error: 'HTTP 500',
      next_attempt_at: null,
      created_at: deps.clock.now().toISOString(),
    });
    expect(first.body.data[0]).toMatchObject({
      last_status_code: null,
      last_error: null,
      next_attempt_at: deps.clock.now().toISOString(),
    });
    expect(second.body.data.map((d: { delivery_id: string }) => d.delivery_id)).toEqual(['dlv_0001']);
    expect(second.body.next_cursor).toBeNull();
  });

  it('lists only the deliveries with the status asked for', async () => {
    const { deps, tenantId, ai, call } = await setup();
    await givenDelivery(deps, { tenantId, aiId: ai.id, id: 'dlv_0001', status: 'failed' });
    await givenDelivery(deps, { tenantId, aiId: ai.id, id: 'dlv_0002', status: 'succeeded' });
    await givenDelivery(deps, { tenantId, aiId: ai.id, id: 'dlv_0003', status: 'failed' });

    const failed = await call('GET', '/v2/deliveries?status=failed');
    const unknown = await call('GET', '/v2/deliveries?status=lost');

    expect(failed.body.data.map((d: { delivery_id: string }) => d.delivery_id)).toEqual(['dlv_0003', 'dlv_0001']);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details[0].path).toBe('status');
  });

  it("does not list another account's deliveries", async () => {
    const { deps, ai, call } = await setup();
    const otherTenant = await ensureTenantForKey(deps, { apiKey: 'prly_other_key_0123456789abcdef', tenantName: 'B' });
    await givenDelivery(deps, { tenantId: otherTenant, aiId: ai.id, id: 'dlv_0001' });

    const listed = await call('GET', '/v2/deliveries');

    expect(listed.body).toEqual({ data: [], next_cursor: null });
  });
});

describe('POST /v2/deliveries/{delivery_id}/retry', () => {
  it('queues a failed delivery again, which the next attempt delivers under the same event id', async () => {
    const { deps, tenantId, ai, call } = await setup();
    await givenDelivery(deps, { tenantId, aiId: ai.id, id: 'dlv_0001', status: 'failed', attempts: 8 });

    const retried = await call('POST', '/v2/deliveries/dlv_0001/retry');
    const [queued] = deps.deliveryQueue.jobs;
    const outcome = await deliverWebhook({ ...deps, random: noJitter }, queued?.job ?? { tenantId, deliveryId: '' });

    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({
      status: 'pending',
      attempts: 8,
      next_attempt_at: deps.clock.now().toISOString(),
    });
    expect(queued).toEqual({ job: { tenantId, deliveryId: 'dlv_0001' }, delaySeconds: 0 });
    expect(outcome).toBe('succeeded');
    expect(deps.webhookSender.sent.map((s) => s.eventId)).toEqual(['evt_dlv_0001']);
    expect((await call('GET', '/v2/deliveries')).body.data[0]).toMatchObject({ status: 'succeeded', attempts: 9 });
  });

  it('gives a retried delivery a fresh run of the retry schedule', async () => {
    const { deps, tenantId, ai, call } = await setup();
    await givenDelivery(deps, { tenantId, aiId: ai.id, id: 'dlv_0001', status: 'failed', attempts: 8 });
    await call('POST', '/v2/deliveries/dlv_0001/retry');
    deps.webhookSender.respondWith({ ok: false, statusCode: 500, error: 'HTTP 500' });

    const outcome = await deliverWebhook({ ...deps, random: noJitter }, { tenantId, deliveryId: 'dlv_0001' });

    expect(outcome).toBe('retrying');
    expect(deps.deliveryQueue.jobs.at(-1)?.delaySeconds).toBe(5);
    expect(await deps.deliveries.getDelivery(tenantId, 'dlv_0001')).toMatchObject({ status: 'pending', attempts: 9 });
  });

  it('refuses to retry a delivery that is not failed, naming it', async () => {
    const { deps, tenantId, ai, call } = await setup();
    await givenDelivery(deps, { tenantId, aiId: ai.id, id: 'dlv_0001' });

    const refused = await call('POST', '/v2/deliveries/dlv_0001/retry');

    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'conflict', details: [{ path: 'delivery_id' }] });
    expect(deps.deliveryQueue.jobs).toHaveLength(0);
  });

  it("answers 404 for another account's delivery and leaves it failed", async () => {
    const { deps, ai, call } = await setup();
    const otherTenant = await ensureTenantForKey(deps, { apiKey: 'prly_other_key_0123456789abcdef', tenantName: 'B' });
    await givenDelivery(deps, { tenantId: otherTenant, aiId: ai.id, id: 'dlv_0001', status: 'failed' });

    const refused = await call('POST', '/v2/deliveries/dlv_0001/retry');

    expect(refused.status).toBe(404);
    expect(refused.body.error.details[0].path).toBe('delivery_id');
    expect((await deps.deliveries.getDelivery(otherTenant, 'dlv_0001'))?.status).toBe('failed');
  });
});

describe("the AI's webhook health", () => {
  it('is flagged when a delivery fails for good and cleared by the next success', async () => {
    const { deps, tenantId, ai, call } = await setup();
    const failedAt = deps.clock.now().toISOString();
    await givenDelivery(deps, { tenantId, aiId: ai.id, id: 'dlv_0001' });
    deps.webhookSender.respondWith({ ok: false, statusCode: 410, error: 'HTTP 410' });
    await deliverWebhook(deps, { tenantId, deliveryId: 'dlv_0001' });
    const flagged = await call('GET', `/v1/ais/${ai.id}`);
    deps.clock.advance(60_000);
    await givenDelivery(deps, { tenantId, aiId: ai.id, id: 'dlv_0002' });

    await deliverWebhook(deps, { tenantId, deliveryId: 'dlv_0002' });

    expect(flagged.body.webhook_health).toEqual({ failing_since: failedAt, last_failure_at: failedAt });
    expect((await call('GET', `/v1/ais/${ai.id}`)).body).not.toHaveProperty('webhook_health');
  });

  it('keeps when it started failing across later failures, and survives a PATCH of the AI', async () => {
    const { deps, tenantId, ai, call } = await setup();
    const firstFailure = deps.clock.now().toISOString();
    for (const id of ['dlv_0001', 'dlv_0002']) {
      await givenDelivery(deps, { tenantId, aiId: ai.id, id });
      deps.webhookSender.respondWith({ ok: false, statusCode: 410, error: 'HTTP 410' });
      await deliverWebhook(deps, { tenantId, deliveryId: id });
      deps.clock.advance(3600_000);
    }

    await call('PATCH', `/v1/ais/${ai.id}`, { name: 'Renamed' });

    const { body } = await call('GET', `/v1/ais/${ai.id}`);
    expect(body.name).toBe('Renamed');
    expect(body.webhook_health).toEqual({
      failing_since: firstFailure,
      last_failure_at: new Date(Date.parse(firstFailure) + 3600_000).toISOString(),
    });
  });
});

describe('the outbound rate limit per endpoint', () => {
  it('sends at most the limit to one endpoint in a second and queues the rest a little later, losing none', async () => {
    const { deps, tenantId, ai } = await setup();
    const ids = Array.from({ length: 40 }, (_, i) => `dlv_${String(i + 1).padStart(4, '0')}`);
    for (const [i, id] of ids.entries()) {
      // Different paths of one catch-hook host: the same endpoint.
      await givenDelivery(deps, { tenantId, aiId: ai.id, id, url: `https://hooks.example.com/catch/${i}` });
    }

    const outcomes = [];
    for (const deliveryId of ids) outcomes.push(await deliverWebhook(deps, { tenantId, deliveryId }));
    const requeued = deps.deliveryQueue.jobs.splice(0);
    deps.clock.advance(2000);
    const later = [];
    for (const { job } of requeued) later.push(await deliverWebhook(deps, job));

    expect(ENDPOINT_MAX_REQUESTS_PER_SECOND).toBe(25);
    expect(outcomes.filter((o) => o === 'succeeded')).toHaveLength(25);
    expect(outcomes.filter((o) => o === 'throttled')).toHaveLength(15);
    expect(requeued).toHaveLength(15);
    expect(requeued.every(({ delaySeconds }) => delaySeconds >= 1 && delaySeconds <= 2)).toBe(true);
    expect(later.every((o) => o === 'succeeded')).toBe(true);
    expect(deps.webhookSender.sent).toHaveLength(40);
    const stored = await Promise.all(ids.map((id) => deps.deliveries.getDelivery(tenantId, id)));
    expect(stored.every((d) => d?.status === 'succeeded' && d.attempts === 1)).toBe(true);
  });

  it('counts each endpoint on its own', async () => {
    const { deps, tenantId, ai } = await setup();
    const outcomes = [];
    for (let i = 0; i < ENDPOINT_MAX_REQUESTS_PER_SECOND + 1; i++) {
      await givenDelivery(deps, { tenantId, aiId: ai.id, id: `dlv_a${i}`, url: 'https://a.example.com/hook' });
      await givenDelivery(deps, { tenantId, aiId: ai.id, id: `dlv_b${i}`, url: 'https://b.example.com/hook' });
      outcomes.push(await deliverWebhook(deps, { tenantId, deliveryId: `dlv_a${i}` }));
    }

    const other = await deliverWebhook(deps, { tenantId, deliveryId: 'dlv_b0' });

    expect(outcomes.at(-1)).toBe('throttled');
    expect(other).toBe('succeeded');
  });
});
