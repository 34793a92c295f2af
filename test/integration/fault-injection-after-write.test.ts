/**
 * A crash right before and right after every write on the message, delivery, timer and ingestion paths, on
 * the in-memory store and on DynamoDB (dynalite). A crash after a write succeeded is the case that
 * loses or doubles work: the write is there, the step that should follow it is not. Each run then
 * does what AWS does: the client retries a failed POST with the same Idempotency-Key, a record
 * whose handler threw comes back, a lease held by the dead worker runs out and is taken over by
 * the record's own redelivery, Scheduler retries a timer, the sweep queues what is still pending.
 * Whatever the point, the prospect gets exactly one answer and one drop-off nudge, each sent again
 * only under its own webhook id.
 */
import { LibraryDocumentReader } from '#lib/adapters/documents/document-reader';
import { DELIVERY_LEASE_SECONDS, deliverWebhook } from '#lib/app/deliver-webhook';
import { addDocument } from '#lib/app/knowledge/documents';
import { ingestDocument } from '#lib/app/knowledge/ingest-document';
import { createKnowledgeBase } from '#lib/app/knowledge/knowledge-bases';
import { searchKnowledgeBase } from '#lib/app/knowledge/search-knowledge';
import { UnreadableDocumentError } from '#lib/domain/errors';
import { fireTimer } from '#lib/app/fire-timer';
import { generateReply } from '#lib/app/generate-reply';
import { recoverPending } from '#lib/app/recover-pending';
import { createDocumentClient, createDynamoStores } from '#lib/adapters/aws/dynamo-stores';
import type { DeliveryJob } from '#lib/ports/deliveries';
import type { GenerationJob } from '#lib/ports/generation';
import type { TimerPayload } from '#lib/ports/timers';
import { createTestTable, type RunningDynalite, startDynalite } from '#test/support/dynalite';
import { type FakeDeps, makeFakeDeps } from '#test/support/fakes';
import { httpClient } from '#test/support/http';
import { givenTenantWithAi, TEST_API_KEY } from '#test/support/scenario';

const conversationId = 'lead@example.com';
const EVERYTHING = new Date('9999-01-01T00:00:00Z');

type When = 'before' | 'after';

/** Makes the first call of `target[method]` that `filter` accepts throw, before or after it runs. */
function crashOnce(
  target: object,
  method: string,
  when: When,
  filter: (...args: never[]) => boolean = () => true,
): { crashed: () => boolean } {
  const record = target as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const original = record[method];
  if (!original) throw new Error(`no method ${method} to crash in`);
  let crashed = false;
  record[method] = async (...args: unknown[]) => {
    if (crashed || !(filter as (...a: unknown[]) => boolean)(...args)) return original.apply(target, args);
    crashed = true;
    if (when === 'after') await original.apply(target, args);
    throw new Error(`injected crash ${when} ${method}`);
  };
  return { crashed: () => crashed };
}

/**
 * What follows a crash: in AWS (`redeliver`) the record whose handler died comes back after its
 * visibility timeout; in the local runtime (`restart`) the in-memory queues are gone, and the
 * restarted runtime's start-up sweep queues everything still pending at once.
 */
type Recovery = 'redeliver' | 'restart';

/** Runs every queued record until none is left, recovering from each crash as `recovery` says. */
async function drainQueues(deps: FakeDeps, recovery: Recovery): Promise<void> {
  for (let round = 0; round < 30; round++) {
    const generation = deps.generationQueue.jobs.splice(0) as GenerationJob[];
    const delivery = deps.deliveryQueue.jobs.splice(0).map((j) => j.job) as DeliveryJob[];
    if (generation.length === 0 && delivery.length === 0) return;
    let crashed = false;
    for (const job of generation) {
      await generateReply(deps, { ...job, attempt: 1 }).catch(() => {
        crashed = true;
        if (recovery === 'redeliver') deps.generationQueue.jobs.push(job);
      });
    }
    for (const job of delivery) {
      await deliverWebhook(deps, job).catch(() => {
        crashed = true;
        if (recovery === 'redeliver') deps.deliveryQueue.jobs.push({ job, delaySeconds: 0 });
      });
    }
    if (crashed && recovery === 'restart') {
      // The restarted runtime runs what its sweep queued at once, while the dead one's lease still holds.
      await restart(deps);
      continue;
    }
    // Leases, delays and visibility timeouts run on the clock: let them come due.
    deps.clock.advance((DELIVERY_LEASE_SECONDS + 1) * 1000);
  }
}

/** The local runtime starts again: its queues start empty and its start-up sweep queues everything pending. */
async function restart(deps: FakeDeps): Promise<void> {
  deps.generationQueue.jobs.splice(0);
  deps.deliveryQueue.jobs.splice(0);
  deps.ingestionQueue.jobs.splice(0);
  await recoverPending(deps, { olderThan: EVERYTHING, limit: 100 });
}

/** Scheduler invokes the timer function again while it fails (its retry policy), as the local runner does at a restart. */
async function fireWithRetries(deps: FakeDeps, payload: TimerPayload, recovery: Recovery): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await fireTimer(deps, payload);
      return;
    } catch {
      if (recovery === 'restart') await restart(deps);
      deps.clock.advance(60_000);
    }
  }
}

const outbound = (kind: 'reply' | 'nudge') => (m: { direction: string; kind: string }) =>
  m.direction === 'outbound' && (kind === 'reply') === (m.kind === 'reply');

interface Point {
  name: string;
  target: (deps: FakeDeps) => object;
  method: string;
  filter?: (...args: never[]) => boolean;
  /** Crashing here (then) may send a webhook twice, under one id: the success was not recorded. */
  mayResend?: When;
}

const WRITES: Point[] = [
  { name: 'the Idempotency-Key claim', target: (d) => d.idempotency, method: 'claimIdempotencyKey' },
  { name: 'the conversation', target: (d) => d.conversations, method: 'ensureConversation' },
  { name: 'the version bump', target: (d) => d.conversations, method: 'bumpConversation' },
  {
    name: 'the stored message',
    target: (d) => d.conversations,
    method: 'putMessage',
    filter: ((m: { direction: string }) => m.direction === 'inbound') as never,
  },
  { name: 'the generation record', target: (d) => d.generationQueue, method: 'enqueueGeneration' },
  { name: 'the Idempotency-Key completion', target: (d) => d.idempotency, method: 'completeIdempotencyKey' },
  { name: 'the claim', target: (d) => d.conversations, method: 'claimMessage' },
  { name: 'the reply', target: (d) => d.conversations, method: 'putMessage', filter: outbound('reply') as never },
  {
    name: 'the answer delivery',
    target: (d) => d.deliveries,
    method: 'createDelivery',
    filter: ((d: { type: string }) => d.type === 'message.answered') as never,
  },
  { name: 'the answer delivery record', target: (d) => d.deliveryQueue, method: 'enqueueDelivery' },
  { name: 'the domain events', target: (d) => d.events, method: 'publish' },
  { name: 'the timers', target: (d) => d.timers, method: 'schedule' },
  { name: 'the conversation timers', target: (d) => d.conversations, method: 'updateConversation' },
  { name: 'the messages marked answered', target: (d) => d.conversations, method: 'settleMessage' },
  { name: 'the send slot', target: (d) => d.deliveries, method: 'takeSendSlot' },
  { name: 'the lease', target: (d) => d.deliveries, method: 'leaseDelivery' },
  { name: 'the webhook sent', target: (d) => d.webhookSender, method: 'send', mayResend: 'after' },
  { name: 'the send recorded', target: (d) => d.deliveries, method: 'recordAttempt', mayResend: 'before' },
  { name: 'the nudge', target: (d) => d.conversations, method: 'putMessage', filter: outbound('nudge') as never },
  {
    name: 'the nudge delivery',
    target: (d) => d.deliveries,
    method: 'createDelivery',
    filter: ((d: { type: string }) => d.type === 'dropoff.sent') as never,
  },
];

const CASES = WRITES.flatMap((point) =>
  (['before', 'after'] as const).map((when) => [`${when} ${point.name}`, point, when] as const),
);

type StoreKind = 'memory' | 'dynamodb';

describe.each<[StoreKind, Recovery]>([
  ['memory', 'redeliver'],
  ['memory', 'restart'],
  ['dynamodb', 'redeliver'],
  ['dynamodb', 'restart'],
])('a crash around any write (%s store, recovery by %s)', (kind, recovery) => {
  let dynalite: RunningDynalite | undefined;

  beforeAll(async () => {
    if (kind === 'dynamodb') dynalite = await startDynalite();
  });

  afterAll(async () => {
    await dynalite?.stop();
  });

  async function makeDeps(): Promise<FakeDeps> {
    const deps = makeFakeDeps();
    if (!dynalite) return deps;
    const tableName = await createTestTable(dynalite.client);
    const stores = createDynamoStores({ tableName, client: createDocumentClient(dynalite.client) });
    return Object.assign(deps, stores) as unknown as FakeDeps;
  }

  it.each(CASES)('%s ends with one answer and one nudge, each sent under one webhook id', async (_, point, when) => {
    const deps = await makeDeps();
    const { tenantId, ai } = await givenTenantWithAi(deps, { name: 'Ada' });
    const call = httpClient(deps, TEST_API_KEY);
    const crash = crashOnce(point.target(deps), point.method, when, point.filter);
    const body = { ai_id: ai.id, conversation_id: conversationId, message: 'Do you ship to Canada?' };
    const post = () => call('POST', '/v2/messages', body, { 'idempotency-key': 'order-42' });

    // The client retries a failed POST with the same Idempotency-Key, as the contract asks.
    let posted = await post();
    if (posted.status >= 500) {
      if (recovery === 'restart') await restart(deps);
      posted = await post();
    }
    await drainQueues(deps, recovery);
    // No sweep but the restart's own was needed for the answer: the crashed work came back by itself.
    const answeredBeforeSweep = deps.webhookSender.sent.some((w) => JSON.parse(w.body).type === 'message.answered');
    // The prospect goes quiet: the drop-off timer fires (Scheduler retries it if it fails; the local
    // runtime fires it again at its restart).
    const dropoff = deps.timers.ofKind('dropoff');
    if (dropoff) {
      deps.timers.pending.delete(dropoff.name);
      deps.clock.advance(Math.max(0, dropoff.at.getTime() - deps.clock.now().getTime()));
      await fireWithRetries(deps, dropoff.payload, recovery);
    }
    await drainQueues(deps, recovery);
    // In AWS the sweeper still runs every few minutes; it finds nothing left to do.
    if (recovery === 'redeliver') {
      await recoverPending(deps, { olderThan: EVERYTHING, limit: 100 });
      await drainQueues(deps, recovery);
    }

    expect(crash.crashed()).toBe(true);
    expect(posted.status).toBe(202);
    expect(answeredBeforeSweep).toBe(true);
    const messages = await deps.conversations.listMessages(tenantId, conversationId);
    expect(messages.map((m) => [m.direction, m.kind, m.status])).toEqual([
      ['inbound', 'prospect', 'answered'],
      ['outbound', 'reply', undefined],
      ['outbound', expect.not.stringMatching(/^reply$/), undefined],
    ]);
    for (const type of ['message.answered', 'dropoff.sent']) {
      const sent = deps.webhookSender.sent.filter((w) => JSON.parse(w.body).type === type);
      expect(new Set(sent.map((w) => w.eventId)).size).toBe(1);
      if (point.mayResend !== when) expect(sent).toHaveLength(1);
      const deliveryId = sent[0]?.eventId.replace(/^evt_/, 'dlv_') ?? '';
      expect((await deps.deliveries.getDelivery(tenantId, deliveryId))?.status).toBe('succeeded');
    }
  });
});

const fetcher = {
  fetch: async () => {
    throw new UnreadableDocumentError('no network in these tests');
  },
};

/** What the ingestion queue does: run every record, and run a record again if its handler threw. */
async function drainIngestion(deps: FakeDeps, recovery: Recovery): Promise<void> {
  const ingestion = { ...deps, reader: new LibraryDocumentReader(), fetcher };
  for (let attempt = 1; attempt <= 10; attempt++) {
    const jobs = deps.ingestionQueue.jobs.splice(0);
    if (jobs.length === 0) return;
    for (const job of jobs) {
      await ingestDocument(ingestion, { ...job, attempt: 1 }).catch(async () => {
        if (recovery === 'redeliver') deps.ingestionQueue.jobs.push(job);
        else await restart(deps);
      });
    }
  }
}

const INGESTION_WRITES: Point[] = [
  {
    name: 'the original stored',
    target: (d) => d.blobs,
    method: 'put',
    filter: ((key: string) => key.includes('original')) as never,
  },
  { name: 'the document record', target: (d) => d.knowledge, method: 'putDocument' },
  { name: 'the upload started', target: (d) => d.knowledge, method: 'startUpload' },
  { name: 'the ingestion record', target: (d) => d.ingestionQueue, method: 'enqueueIngestion' },
  {
    name: 'the passages stored',
    target: (d) => d.blobs,
    method: 'put',
    filter: ((key: string) => !key.includes('original')) as never,
  },
  { name: 'the index marked', target: (d) => d.knowledge, method: 'markIndexed' },
  { name: 'the document ready', target: (d) => d.knowledge, method: 'updateDocumentStatus' },
];

const INGESTION_CASES = INGESTION_WRITES.flatMap((point) =>
  (['before', 'after'] as const).map((when) => [`${when} ${point.name}`, point, when] as const),
);

describe.each<[StoreKind, Recovery]>([
  ['memory', 'redeliver'],
  ['memory', 'restart'],
  ['dynamodb', 'redeliver'],
  ['dynamodb', 'restart'],
])('a crash around any write of an upload (%s store, recovery by %s)', (kind, recovery) => {
  let dynalite: RunningDynalite | undefined;

  beforeAll(async () => {
    if (kind === 'dynamodb') dynalite = await startDynalite();
  });

  afterAll(async () => {
    await dynalite?.stop();
  });

  it.each(INGESTION_CASES)('%s ends with the document indexed and searchable', async (_, point, when) => {
    const deps = makeFakeDeps();
    if (dynalite) {
      const tableName = await createTestTable(dynalite.client);
      Object.assign(deps, createDynamoStores({ tableName, client: createDocumentClient(dynalite.client) }));
    }
    const { tenantId } = await givenTenantWithAi(deps);
    await createKnowledgeBase(deps, { tenantId, id: 'kb_1', name: 'Help' });
    const crash = crashOnce(point.target(deps), point.method, when, point.filter);
    const upload = { kind: 'text' as const, contentType: 'text/plain' as const, content: 'We ship to Canada.' };
    const add = () => addDocument(deps, { tenantId, baseId: 'kb_1', upload, newId: 'doc_1' });

    // The client retries a failed upload (its Idempotency-Key reserved the document id).
    await add().catch(async () => {
      if (recovery === 'restart') await restart(deps);
      await add();
    });
    await drainIngestion(deps, recovery);
    if (recovery === 'redeliver') await recoverPending(deps, { olderThan: EVERYTHING, limit: 100 });
    await drainIngestion(deps, recovery);

    expect(crash.crashed()).toBe(true);
    expect(await deps.knowledge.getDocument(tenantId, 'kb_1', 'doc_1')).toMatchObject({
      status: 'ready',
      chunkCount: 1,
    });
    const hits = await searchKnowledgeBase(deps, { tenantId, baseId: 'kb_1', query: 'ship to Canada', topK: 3 });
    expect(hits.map((h) => h.documentId)).toEqual(['doc_1']);
  });
});
