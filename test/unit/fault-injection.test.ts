/**
 * Exactly-once effect over at-least-once transport, proven by crashing the pipeline between each
 * pair of steps. A message goes in over HTTP (with an Idempotency-Key), is answered and delivered;
 * one step throws once, as a Lambda dying there would, and the system then does what AWS does: the
 * client retries a 5xx with the same key, SQS redelivers a record whose handler threw, a lease
 * expires, the sweep re-queues what is still pending. Whatever the crash point, the prospect gets
 * exactly one answer and the receiver sees one webhook id.
 */
import { DELIVERY_LEASE_SECONDS, deliverWebhook } from '#lib/app/deliver-webhook';
import { generateReply } from '#lib/app/generate-reply';
import { recoverPending } from '#lib/app/recover-pending';
import type { DeliveryJob } from '#lib/ports/deliveries';
import type { GenerationJob } from '#lib/ports/generation';
import { crashOnce } from '#test/support/crash-once';
import { type FakeDeps, makeFakeDeps } from '#test/support/fakes';
import { httpClient } from '#test/support/http';
import { givenTenantWithAi, TEST_API_KEY } from '#test/support/scenario';

const conversationId = 'lead@example.com';

/** What AWS would do with the queues: run every record, and run a record again if its handler threw. */
async function drainQueues(deps: FakeDeps): Promise<void> {
  for (let round = 0; round < 20; round++) {
    const generation = deps.generationQueue.jobs.splice(0) as GenerationJob[];
    const delivery = deps.deliveryQueue.jobs.splice(0).map((j) => j.job) as DeliveryJob[];
    if (generation.length === 0 && delivery.length === 0) return;
    for (const job of generation) {
      await generateReply(deps, { ...job, attempt: round + 1 }).catch(() => deps.generationQueue.jobs.push(job));
    }
    for (const job of delivery) {
      await deliverWebhook(deps, job).catch(() => deps.deliveryQueue.jobs.push({ job, delaySeconds: 0 }));
    }
    // Retries, leases and visibility timeouts run on the clock: let them come due.
    deps.clock.advance((DELIVERY_LEASE_SECONDS + 1) * 1000);
  }
}

type CrashPoint = {
  name: string;
  inject: (deps: FakeDeps) => { crashed: () => boolean };
};

const CRASH_POINTS: CrashPoint[] = [
  {
    name: 'message stored, not yet queued',
    inject: (deps) => crashOnce(deps.generationQueue, 'enqueueGeneration'),
  },
  {
    name: 'messages claimed, model not yet asked',
    inject: (deps) => crashOnce(deps.chatModel, 'generateReply'),
  },
  {
    name: 'reply generated, not yet stored',
    inject: (deps) =>
      crashOnce(deps.conversations, 'putMessage', ((m: { direction: string }) => m.direction === 'outbound') as never),
  },
  {
    name: 'reply stored, delivery not yet stored',
    inject: (deps) => crashOnce(deps.deliveries, 'createDelivery'),
  },
  {
    name: 'delivery stored, not yet queued',
    inject: (deps) => crashOnce(deps.deliveryQueue, 'enqueueDelivery'),
  },
  {
    name: 'delivery queued, events not yet published',
    inject: (deps) => crashOnce(deps.events, 'publish'),
  },
  {
    name: 'events published, messages not yet marked answered',
    inject: (deps) => crashOnce(deps.conversations, 'settleMessage'),
  },
  {
    name: 'delivery due, lease not yet taken',
    inject: (deps) => crashOnce(deps.deliveries, 'leaseDelivery'),
  },
  {
    name: 'webhook delivered, success not yet recorded',
    inject: (deps) => crashOnce(deps.deliveries, 'recordAttempt'),
  },
];

describe('a crash between any two steps loses nothing and doubles nothing', () => {
  it.each(CRASH_POINTS.map((p) => [p.name, p] as const))('%s', async (_, point) => {
    const deps = makeFakeDeps();
    const { tenantId, ai } = await givenTenantWithAi(deps, { name: 'Ada' });
    const call = httpClient(deps, TEST_API_KEY);
    const crash = point.inject(deps);
    const body = { ai_id: ai.id, conversation_id: conversationId, message: 'Do you ship to Canada?' };

    // The client retries a failed POST with the same Idempotency-Key, as the contract asks.
    let posted = await call('POST', '/v2/messages', body, { 'idempotency-key': 'order-42' });
    if (posted.status >= 500) posted = await call('POST', '/v2/messages', body, { 'idempotency-key': 'order-42' });
    await drainQueues(deps);
    // The scheduled sweep picks up whatever is still waiting, then the queues run again.
    await recoverPending(deps, { olderThan: new Date('9999-01-01T00:00:00Z'), limit: 100 });
    await drainQueues(deps);

    expect(crash.crashed()).toBe(true);
    expect(posted.status).toBe(202);
    const messages = await deps.conversations.listMessages(tenantId, conversationId);
    expect(messages.map((m) => [m.direction, m.status])).toEqual([
      ['inbound', 'answered'],
      ['outbound', undefined],
    ]);
    const answered = deps.webhookSender.sent.filter((w) => JSON.parse(w.body).type === 'message.answered');
    expect(answered.length).toBeGreaterThanOrEqual(1);
    // Sent more than once only when the success was not recorded, and then always under one id.
    expect(new Set(answered.map((w) => w.eventId)).size).toBe(1);
    if (point.name !== 'webhook delivered, success not yet recorded') expect(answered).toHaveLength(1);
    const deliveryId = [...new Set(deps.webhookSender.sent.map((w) => w.eventId))][0]?.replace(/^evt_/, 'dlv_') ?? '';
    expect((await deps.deliveries.getDelivery(tenantId, deliveryId))?.status).toBe('succeeded');
    const events = deps.events.ofType('message.answered');
    expect(new Set(events.map((e) => e.id)).size).toBe(1);
  });
});
