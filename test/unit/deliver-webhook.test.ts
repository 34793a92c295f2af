import { DELIVERY_LEASE_SECONDS, deliverWebhook, LEASE_TAKEOVER_MARGIN_SECONDS } from '#lib/app/deliver-webhook';
import { generateReply } from '#lib/app/generate-reply';
import { MAX_DELIVERY_ATTEMPTS, RETRY_DELAYS_SECONDS } from '#lib/domain/retry-schedule';
import { WEBHOOK_TIMEOUT_MS } from '#lib/domain/limits/delivery';
import { type FakeDeps, makeFakeDeps } from '#test/support/fakes';
import type { DeliveryJob } from '#lib/ports/deliveries';
import { givenMessage, givenTenantWithAi } from '#test/support/scenario';

/** Arranges one answered message whose webhook delivery is stored and queued; returns its job. */
async function givenPendingDelivery(deps: FakeDeps, replyDelaySeconds = 0) {
  const { tenantId, ai } = await givenTenantWithAi(deps, { replyDelaySeconds });
  const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, text: 'Hello' });
  await generateReply(deps, { tenantId, conversationId: 'alice@example.com', messageId, attempt: 1 });
  const job = deps.deliveryQueue.jobs.splice(0)[0]?.job;
  if (!job) throw new Error('no delivery was queued');
  return { job, ai, tenantId };
}

/** Another worker (alive or dead) holds the delivery's lease for the next `forMs`. */
async function givenLeasedElsewhere(deps: FakeDeps, job: DeliveryJob, forMs: number): Promise<void> {
  const now = deps.clock.now();
  await deps.deliveries.leaseDelivery(
    job.tenantId,
    job.deliveryId,
    now.toISOString(),
    new Date(now.getTime() + forMs).toISOString(),
  );
}

describe('deliverWebhook', () => {
  const noJitter = () => 0.5;

  it('sends the stored body once, signed with the AI secret, and records success', async () => {
    const deps = makeFakeDeps();
    const { job, ai } = await givenPendingDelivery(deps);

    const outcome = await deliverWebhook(deps, job);

    expect(outcome).toBe('succeeded');
    const [sent] = deps.webhookSender.sent;
    const delivery = await deps.deliveries.getDelivery(job.tenantId, job.deliveryId);
    expect(sent).toEqual({
      url: 'https://hooks.example.com/answer',
      eventId: delivery?.eventId,
      body: delivery?.payload,
      secret: ai.webhookSecret,
      timestamp: deps.clock.now(),
      timeoutMs: WEBHOOK_TIMEOUT_MS,
    });
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 1, lastStatusCode: 200 });
    expect(delivery?.leaseUntil).toBeUndefined();
  });

  it('sends nothing for a redelivered record of a delivery that already succeeded', async () => {
    const deps = makeFakeDeps();
    const { job } = await givenPendingDelivery(deps);
    await deliverWebhook(deps, job);

    const outcome = await deliverWebhook(deps, job);

    expect(outcome).toBe('skipped');
    expect(deps.webhookSender.sent).toHaveLength(1);
  });

  it('leaves a delivery alone while another worker holds its lease', async () => {
    const deps = makeFakeDeps();
    const { job } = await givenPendingDelivery(deps);
    await givenLeasedElsewhere(deps, job, 30_000);

    const outcome = await deliverWebhook(deps, job);

    expect(outcome).toBe('leased');
    expect(deps.webhookSender.sent).toHaveLength(0);
  });

  it('queues a leased delivery again to come back just after the lease ends, so a dead worker is taken over', async () => {
    const deps = makeFakeDeps();
    const { job } = await givenPendingDelivery(deps);
    await givenLeasedElsewhere(deps, job, 30_000);

    await deliverWebhook(deps, job);
    const [requeued] = deps.deliveryQueue.jobs.splice(0);
    deps.clock.advance((requeued?.delaySeconds ?? 0) * 1000);
    const outcome = await deliverWebhook(deps, job);

    expect(requeued).toEqual({ job, delaySeconds: 30 + LEASE_TAKEOVER_MARGIN_SECONDS });
    expect(outcome).toBe('succeeded');
    expect(deps.webhookSender.sent).toHaveLength(1);
  });

  it('takes over a delivery whose lease has expired (the worker died mid-send)', async () => {
    const deps = makeFakeDeps();
    const { job } = await givenPendingDelivery(deps);
    await givenLeasedElsewhere(deps, job, 1000);
    deps.clock.advance(DELIVERY_LEASE_SECONDS * 1000);

    expect(await deliverWebhook(deps, job)).toBe('succeeded');
  });

  it('schedules a retry 5 s after a first failure, keeping the error for the operator', async () => {
    const deps = makeFakeDeps();
    const { job } = await givenPendingDelivery(deps);
    deps.webhookSender.respondWith({ ok: false, statusCode: 500, error: 'HTTP 500' });

    const outcome = await deliverWebhook({ ...deps, random: noJitter }, job);

    expect(outcome).toBe('retrying');
    const delivery = await deps.deliveries.getDelivery(job.tenantId, job.deliveryId);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 500, lastError: 'HTTP 500' });
    expect(delivery?.nextAttemptAt).toBe(new Date(deps.clock.now().getTime() + 5_000).toISOString());
    expect(deps.deliveryQueue.jobs).toEqual([{ job, delaySeconds: 5 }]);
  });

  it('waits at least as long as a 429 Retry-After asks', async () => {
    const deps = makeFakeDeps();
    const { job } = await givenPendingDelivery(deps);
    deps.webhookSender.respondWith({ ok: false, statusCode: 429, error: 'HTTP 429', retryAfterSeconds: 90 });

    await deliverWebhook({ ...deps, random: noJitter }, job);

    expect(deps.deliveryQueue.jobs[0]?.delaySeconds).toBe(90);
  });

  it('does not send before the retry is due, and queues the record again for the time left', async () => {
    const deps = makeFakeDeps();
    const { job } = await givenPendingDelivery(deps, 600);

    const outcome = await deliverWebhook(deps, job);

    expect(outcome).toBe('deferred');
    expect(deps.webhookSender.sent).toHaveLength(0);
    expect(deps.deliveryQueue.jobs).toEqual([{ job, delaySeconds: 600 }]);
  });

  it('stops at once on 410 Gone', async () => {
    const deps = makeFakeDeps();
    const { job } = await givenPendingDelivery(deps);
    deps.webhookSender.respondWith({ ok: false, statusCode: 410, error: 'HTTP 410' });

    expect(await deliverWebhook(deps, job)).toBe('failed');
    expect(deps.deliveryQueue.jobs).toHaveLength(0);
    expect((await deps.deliveries.getDelivery(job.tenantId, job.deliveryId))?.status).toBe('failed');
  });

  it('stops at once when the sender refuses the target for good', async () => {
    const deps = makeFakeDeps();
    const { job } = await givenPendingDelivery(deps);
    const error = 'refused: hooks.example.com resolves to a private address (10.0.0.1)';
    deps.webhookSender.respondWith({ ok: false, error, permanent: true });

    expect(await deliverWebhook(deps, job)).toBe('failed');
    expect(deps.deliveryQueue.jobs).toHaveLength(0);
    const delivery = await deps.deliveries.getDelivery(job.tenantId, job.deliveryId);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1 });
    expect(delivery?.lastError).toContain(error);
    expect(deps.events.published.map((e) => e.type)).toContain('delivery.failed');
  });

  it('marks the delivery failed after the whole retry schedule', async () => {
    const deps = makeFakeDeps();
    const { job } = await givenPendingDelivery(deps);
    const failures = Array.from({ length: MAX_DELIVERY_ATTEMPTS }, () => ({
      ok: false as const,
      error: 'connection refused',
    }));
    deps.webhookSender.respondWith(...failures);

    const outcomes = [];
    for (let i = 0; i < MAX_DELIVERY_ATTEMPTS; i++) {
      outcomes.push(await deliverWebhook({ ...deps, random: noJitter }, job));
      deps.clock.advance((RETRY_DELAYS_SECONDS[i] ?? 0) * 1000);
    }

    expect(outcomes).toEqual([...Array(MAX_DELIVERY_ATTEMPTS - 1).fill('retrying'), 'failed']);
    const delivery = await deps.deliveries.getDelivery(job.tenantId, job.deliveryId);
    expect(delivery).toMatchObject({ status: 'failed', attempts: MAX_DELIVERY_ATTEMPTS });
    expect(delivery?.lastError).toContain(`gave up after ${MAX_DELIVERY_ATTEMPTS} attempts`);
  });

  describe('delivery.failed', () => {
    it('is published when a delivery fails for good, with ids and the outcome but not the URL', async () => {
      const deps = makeFakeDeps();
      const { job, ai, tenantId } = await givenPendingDelivery(deps);
      deps.events.published.splice(0);
      deps.webhookSender.respondWith({ ok: false, statusCode: 410, error: 'HTTP 410' });

      await deliverWebhook(deps, job);

      const delivery = await deps.deliveries.getDelivery(job.tenantId, job.deliveryId);
      expect(deps.events.published).toEqual([
        {
          type: 'delivery.failed',
          id: expect.stringMatching(/^evt_.+_failed_1$/),
          tenantId,
          occurredAt: deps.clock.now().toISOString(),
          detail: {
            delivery_id: job.deliveryId,
            event_id: delivery?.eventId,
            webhook_type: 'message.answered',
            ai_id: ai.id,
            conversation_id: 'alice@example.com',
            message_id: delivery?.messageId,
            attempts: 1,
            last_status_code: 410,
            last_error: delivery?.lastError,
          },
        },
      ]);
      expect(JSON.stringify(deps.events.published)).not.toContain('hooks.example.com');
    });

    it('is not published for a success or for a failure that will be retried', async () => {
      const deps = makeFakeDeps();
      const { job } = await givenPendingDelivery(deps);
      deps.events.published.splice(0);
      deps.webhookSender.respondWith({ ok: false, statusCode: 503, error: 'HTTP 503' });

      await deliverWebhook({ ...deps, random: noJitter }, job);
      deps.clock.advance(RETRY_DELAYS_SECONDS[0]! * 1000);
      await deliverWebhook({ ...deps, random: noJitter }, job);

      expect(deps.events.published).toEqual([]);
    });

    it('is published when the AI was deleted before its delivery could be sent', async () => {
      const deps = makeFakeDeps();
      const { job, ai } = await givenPendingDelivery(deps);
      deps.events.published.splice(0);
      await deps.ais.deleteAi(job.tenantId, ai.id);

      expect(await deliverWebhook(deps, job)).toBe('failed');
      expect(deps.events.published.map((e) => [e.type, e.detail.last_error])).toEqual([
        ['delivery.failed', 'the AI was deleted'],
      ]);
    });

    it('is published before the failure is recorded, so that a retry after an unavailable bus publishes it', async () => {
      const deps = makeFakeDeps();
      const { job } = await givenPendingDelivery(deps);
      deps.events.published.splice(0);
      deps.webhookSender.respondWith(
        { ok: false, statusCode: 410, error: 'HTTP 410' },
        { ok: false, statusCode: 410, error: 'HTTP 410' },
      );
      deps.events.failNext();
      await expect(deliverWebhook(deps, job)).rejects.toThrow('event bus unavailable');
      expect((await deps.deliveries.getDelivery(job.tenantId, job.deliveryId))?.status).toBe('pending');
      deps.clock.advance(DELIVERY_LEASE_SECONDS * 1000);

      expect(await deliverWebhook(deps, job)).toBe('failed');

      expect(deps.events.published.map((e) => e.id)).toEqual([expect.stringMatching(/_failed_1$/)]);
    });
  });
});
