import { deliverWebhook } from '#lib/app/deliver-webhook';
import { eraseConversation } from '#lib/app/erase-conversation';
import { conversationRef } from '#lib/domain/conversation-ref';
import { timerName } from '#lib/domain/follow-up-policy';
import { MAX_DATA_RETENTION_DAYS, MIN_DATA_RETENTION_DAYS } from '#lib/domain/limits/retention';
import { makeFakeDeps } from '#test/support/fakes';
import { httpClient } from '#test/support/http';
import { answerQueued, givenTenantWithAi, TEST_API_KEY } from '#test/support/scenario';

const CONVERSATION = 'alice@example.com';

/** A conversation with a prospect's message (sent with an Idempotency-Key), an answer, its delivery and timers. */
async function givenAnsweredConversation() {
  const deps = makeFakeDeps();
  const { tenantId, ai } = await givenTenantWithAi(deps);
  const call = httpClient(deps, TEST_API_KEY);
  const accepted = await call(
    'POST',
    '/v2/messages',
    { ai_id: ai.id, conversation_id: CONVERSATION, message: 'How much is shipping?', contact: { email: CONVERSATION } },
    { 'idempotency-key': 'alice-1' },
  );
  await answerQueued(deps);
  const [reply] = (await deps.conversations.listMessages(tenantId, CONVERSATION)).filter((m) => m.kind === 'reply');
  if (!reply) throw new Error('no reply');
  await call('POST', `/v1/conversations/${CONVERSATION}/messages/${reply.id}/feedback`, {
    rating: 'down',
    correction: 'Shipping is free.',
  });
  return { deps, tenantId, ai, call, messageId: accepted.body.message_id as string, reply };
}

describe('DELETE /v2/conversations/{conversation_id}', () => {
  it('erases the conversation, then answers 404 to reads, export and a second delete', async () => {
    const { call } = await givenAnsweredConversation();

    const erased = await call('DELETE', `/v2/conversations/${CONVERSATION}`);

    expect(erased.status).toBe(204);
    expect((await call('GET', `/v2/conversations/${CONVERSATION}`)).status).toBe(404);
    expect((await call('GET', `/v2/conversations/${CONVERSATION}/export`)).status).toBe(404);
    expect((await call('DELETE', `/v2/conversations/${CONVERSATION}`)).status).toBe(404);
  });

  it('removes messages, corrections, gaps, idempotency records and delivery bodies, and cancels the timers', async () => {
    const { deps, tenantId, ai, call, reply } = await givenAnsweredConversation();
    expect(await deps.knowledge.listCorrections(tenantId, ai.id)).toHaveLength(1);

    await call('DELETE', `/v2/conversations/${CONVERSATION}`);

    expect(await deps.conversations.listMessages(tenantId, CONVERSATION)).toEqual([]);
    expect(await deps.knowledge.listCorrections(tenantId, ai.id)).toEqual([]);
    expect((await deps.knowledge.listKnowledgeGaps(tenantId, { limit: 10 })).items).toEqual([]);
    const deliveries = (await deps.deliveries.listDeliveries(tenantId, { limit: 10 })).items;
    expect(deliveries.map((d) => [d.messageId, d.payload, d.erasedAt !== undefined])).toEqual([[reply.id, '', true]]);
    expect(deps.timers.cancelled).toEqual(
      expect.arrayContaining([
        timerName('follow_up', tenantId, CONVERSATION),
        timerName('dropoff', tenantId, CONVERSATION),
      ]),
    );
    // The key's first response named the conversation: it is gone, so the same key makes a new message.
    const again = await call(
      'POST',
      '/v2/messages',
      {
        ai_id: ai.id,
        conversation_id: CONVERSATION,
        message: 'How much is shipping?',
        contact: { email: CONVERSATION },
      },
      { 'idempotency-key': 'alice-1' },
    );
    expect(again.status).toBe(202);
  });

  it('publishes conversation.deleted with a hash of the conversation id, never the id', async () => {
    const { deps, tenantId, call } = await givenAnsweredConversation();

    await call('DELETE', `/v2/conversations/${CONVERSATION}`);

    const deleted = deps.events.published.filter((e) => e.type === 'conversation.deleted');
    expect(deleted).toEqual([
      expect.objectContaining({
        tenantId,
        detail: { conversation_ref: conversationRef(tenantId, CONVERSATION), reason: 'request' },
      }),
    ]);
    expect(JSON.stringify(deleted)).not.toContain(CONVERSATION);
  });

  it('never sends a delivery that was pending when its conversation was erased', async () => {
    const { deps, tenantId, call } = await givenAnsweredConversation();
    const [queued] = deps.deliveryQueue.jobs;
    if (!queued) throw new Error('no delivery queued');

    await call('DELETE', `/v2/conversations/${CONVERSATION}`);
    const outcome = await deliverWebhook(deps, queued.job);

    expect(outcome).toBe('skipped');
    expect(deps.webhookSender.sent).toEqual([]);
    const [delivery] = (await deps.deliveries.listDeliveries(tenantId, { limit: 10 })).items;
    expect(delivery?.status).toBe('failed');
    expect((await call('POST', `/v2/deliveries/${delivery?.id}/retry`)).status).toBe(409);
  });

  it('starts a new, empty conversation when a message arrives under the erased id', async () => {
    const { deps, tenantId, ai, call } = await givenAnsweredConversation();
    await call('DELETE', `/v2/conversations/${CONVERSATION}`);

    await call('POST', '/v2/messages', { ai_id: ai.id, conversation_id: CONVERSATION, message: 'Hello again' });
    const read = await call('GET', `/v2/conversations/${CONVERSATION}`);

    expect(read.status).toBe(200);
    expect(read.body.messages.map((m: { text: string }) => m.text)).toEqual(['Hello again']);
    expect((await deps.conversations.getConversation(tenantId, CONVERSATION))?.incarnation).toBe(1);
  });

  it('resumes an erasure that stopped part way, and finishes it once', async () => {
    const { deps, tenantId } = await givenAnsweredConversation();
    deps.events.failNext(new Error('EventBridge is down'));

    await expect(
      eraseConversation(deps, { tenantId, conversationId: CONVERSATION, reason: 'request' }),
    ).rejects.toThrow('EventBridge is down');
    await eraseConversation(deps, { tenantId, conversationId: CONVERSATION, reason: 'request' });

    expect((await deps.conversations.getTombstone(tenantId, CONVERSATION))?.finished).toBe(true);
    expect(deps.events.published.filter((e) => e.type === 'conversation.deleted')).toHaveLength(1);
  });
});

describe('GET /v2/conversations/{conversation_id}/export', () => {
  it('returns the conversation, its messages with feedback and its deliveries with their bodies', async () => {
    const { call, reply } = await givenAnsweredConversation();

    const exported = await call('GET', `/v2/conversations/${CONVERSATION}/export`);

    expect(exported.status).toBe(200);
    expect(exported.body.conversation.conversation_id).toBe(CONVERSATION);
    const answer = exported.body.conversation.messages.find((m: { message_id: string }) => m.message_id === reply.id);
    expect(answer.feedback).toMatchObject({ rating: 'down', correction: 'Shipping is free.' });
    expect(exported.body.deliveries).toHaveLength(1);
    expect(exported.body.deliveries[0].body).toMatchObject({ type: 'message.answered', reply: reply.text });
    expect(JSON.stringify(exported.body)).not.toMatch(/whsec_/);
  });
});

describe('GET and PATCH /v1/account', () => {
  it('reads the account without a retention period until one is set', async () => {
    const deps = makeFakeDeps();
    await givenTenantWithAi(deps);
    const call = httpClient(deps, TEST_API_KEY);

    const before = await call('GET', '/v1/account');
    const patched = await call('PATCH', '/v1/account', { data_retention_days: 30 });
    const cleared = await call('PATCH', '/v1/account', { data_retention_days: null });

    expect(before.body).toEqual({ name: 'Acme', data_retention_days: null });
    expect(patched.body).toEqual({ name: 'Acme', data_retention_days: 30 });
    expect(cleared.body).toEqual({ name: 'Acme', data_retention_days: null });
  });

  it.each([MIN_DATA_RETENTION_DAYS - 1, MAX_DATA_RETENTION_DAYS + 1, 1.5])(
    'refuses data_retention_days %s with a 400 naming the field',
    async (days) => {
      const deps = makeFakeDeps();
      await givenTenantWithAi(deps);
      const call = httpClient(deps, TEST_API_KEY);

      const refused = await call('PATCH', '/v1/account', { data_retention_days: days });

      expect(refused.status).toBe(400);
      expect(refused.body.error.details[0].path).toBe('data_retention_days');
    },
  );

  it('accepts both ends of the retention range', async () => {
    const deps = makeFakeDeps();
    await givenTenantWithAi(deps);
    const call = httpClient(deps, TEST_API_KEY);

    for (const days of [MIN_DATA_RETENTION_DAYS, MAX_DATA_RETENTION_DAYS]) {
      expect((await call('PATCH', '/v1/account', { data_retention_days: days })).body.data_retention_days).toBe(days);
    }
  });

  it('makes conversations untouched longer than the retention read as gone at once', async () => {
    const { deps, call, messageId } = await givenAnsweredConversation();
    deps.clock.advance(3 * 24 * 60 * 60 * 1000);

    await call('PATCH', '/v1/account', { data_retention_days: 2 });

    expect((await call('GET', `/v2/conversations/${CONVERSATION}`)).status).toBe(404);
    expect((await call('GET', `/v2/conversations/${CONVERSATION}/export`)).status).toBe(404);
    expect((await call('GET', `/v1/conversations/${CONVERSATION}/messages/${messageId}`)).status).toBe(404);
    await call('PATCH', '/v1/account', { data_retention_days: 4 });
    expect((await call('GET', `/v2/conversations/${CONVERSATION}`)).status).toBe(200);
  });
});
