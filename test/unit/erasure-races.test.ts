import { eraseConversation } from '#lib/app/erase-conversation';
import { expireConversations } from '#lib/app/expire-conversations';
import { fireTimer } from '#lib/app/fire-timer';
import { timerName } from '#lib/domain/follow-up-policy';
import { MAX_EXPIRED_PER_RUN } from '#lib/domain/limits/retention';
import { generateReply } from '#lib/app/generate-reply';
import { answerTo, makeFakeDeps } from '#test/support/fakes';
import { answerQueued, givenMessage, givenTenantWithAi } from '#test/support/scenario';

const CONVERSATION = 'alice@example.com';

/** A prospect's question, accepted and taken off the generation queue (not yet answered). */
async function givenQueuedQuestion() {
  const deps = makeFakeDeps();
  const { tenantId, ai } = await givenTenantWithAi(deps);
  await givenMessage(deps, { tenantId, aiId: ai.id, text: 'How much is shipping?' });
  const [job] = deps.generationQueue.jobs.splice(0);
  if (!job) throw new Error('no generation queued');
  return { deps, tenantId, ai, job };
}

describe('work in flight when a conversation is erased', () => {
  it('a generation erased while the model writes stores nothing and sends nothing', async () => {
    const { deps, tenantId, job } = await givenQueuedQuestion();
    deps.chatModel.nextReply(async (request) => {
      // The erasure runs to its end between the generator's claim and its write of the reply.
      await eraseConversation(deps, { tenantId, conversationId: CONVERSATION, reason: 'request' });
      return answerTo(request);
    });

    await expect(generateReply(deps, { ...job, attempt: 1 })).rejects.toThrow('erased');
    const retried = await generateReply(deps, { ...job, attempt: 2 });

    expect(retried).toBe('nothing_to_do');
    expect(await deps.conversations.listMessages(tenantId, CONVERSATION)).toEqual([]);
    expect(await deps.deliveries.listDeliveries(tenantId, { limit: 10 })).toMatchObject({ items: [] });
  });

  it('a timer that fires after the erasure does nothing', async () => {
    const deps = makeFakeDeps();
    const { tenantId, ai } = await givenTenantWithAi(deps);
    await givenMessage(deps, { tenantId, aiId: ai.id, text: 'How much is shipping?' });
    await answerQueued(deps);
    const payload = deps.timers.take('dropoff');

    await eraseConversation(deps, { tenantId, conversationId: CONVERSATION, reason: 'request' });
    const outcome = await fireTimer(deps, payload);

    expect(outcome).toBe('stale');
    expect(await deps.conversations.listMessages(tenantId, CONVERSATION)).toEqual([]);
  });

  it('a reply from the erased life written into the next life undoes itself', async () => {
    const { deps, tenantId, ai, job } = await givenQueuedQuestion();
    deps.chatModel.nextReply(async (request) => {
      await eraseConversation(deps, { tenantId, conversationId: CONVERSATION, reason: 'request' });
      await givenMessage(deps, { tenantId, aiId: ai.id, text: 'A new question' });
      return answerTo(request);
    });

    await expect(generateReply(deps, { ...job, attempt: 1 })).rejects.toThrow('erased');

    const texts = (await deps.conversations.listMessages(tenantId, CONVERSATION)).map((m) => m.text);
    expect(texts).toEqual(['A new question']);
  });
});

describe('expireConversations', () => {
  it('erases conversations untouched for the retention period, with reason retention, at most MAX_EXPIRED_PER_RUN per run', async () => {
    const deps = makeFakeDeps();
    const { tenantId, ai } = await givenTenantWithAi(deps);
    for (let n = 0; n <= MAX_EXPIRED_PER_RUN; n++) {
      await givenMessage(deps, { tenantId, aiId: ai.id, conversationId: `c${n}`, text: 'Hi' });
    }
    deps.clock.advance(60 * 1000);
    await givenMessage(deps, { tenantId, aiId: ai.id, conversationId: 'recent', text: 'Hi' });
    await deps.tenants.updateTenant(tenantId, { dataRetentionDays: 2 });
    deps.clock.advance(2 * 24 * 60 * 60 * 1000 - 30 * 1000);

    const first = await expireConversations(deps);
    const second = await expireConversations(deps);

    expect(first.erased).toBe(MAX_EXPIRED_PER_RUN);
    expect(second.erased).toBe(1);
    expect(await deps.conversations.getTombstone(tenantId, 'c0')).toMatchObject({ finished: true });
    expect(await deps.conversations.getConversation(tenantId, 'recent')).toBeDefined();
    expect(deps.timers.cancelled).toContain(timerName('dropoff', tenantId, 'c0'));
    const deleted = deps.events.published.filter((e) => e.type === 'conversation.deleted');
    expect(deleted.every((e) => e.detail.reason === 'retention')).toBe(true);
  });
});
