import { generateReply } from '#lib/app/generate-reply';
import { addDocument } from '#lib/app/knowledge/documents';
import { createKnowledgeBase } from '#lib/app/knowledge/knowledge-bases';
import { recoverPending, staleCutoffs, SWEEP_STALE_AFTER_SECONDS } from '#lib/app/recover-pending';
import { makeFakeDeps } from '#test/support/fakes';
import { givenMessage, givenTenantWithAi } from '#test/support/scenario';

describe('recoverPending', () => {
  it('queues again unanswered messages and unsent deliveries older than the cutoff', async () => {
    const deps = makeFakeDeps();
    const { tenantId, ai } = await givenTenantWithAi(deps, { replyDelaySeconds: 60 });
    const answered = await givenMessage(deps, { tenantId, aiId: ai.id, conversationId: 'a', text: 'Hi' });
    await generateReply(deps, { tenantId, conversationId: 'a', messageId: answered.messageId, attempt: 1 });
    const waiting = await givenMessage(deps, { tenantId, aiId: ai.id, conversationId: 'b', text: 'Hello' });
    deps.generationQueue.jobs.length = 0;
    deps.deliveryQueue.jobs.length = 0;

    const counts = await recoverPending(deps, { olderThan: new Date('9999-01-01T00:00:00Z'), limit: 100 });

    expect(counts).toEqual({ messages: 1, deliveries: 1, documents: 0, erasures: 0 });
    expect(deps.generationQueue.jobs).toEqual([{ tenantId, conversationId: 'b', messageId: waiting.messageId }]);
    expect(deps.deliveryQueue.jobs).toEqual([{ job: { tenantId, deliveryId: expect.any(String) }, delaySeconds: 60 }]);
  });

  it('queues again a document still waiting to be indexed', async () => {
    const deps = makeFakeDeps();
    const { tenantId } = await givenTenantWithAi(deps);
    await createKnowledgeBase(deps, { tenantId, id: 'kb_1', name: 'Help' });
    const upload = { kind: 'text' as const, content: 'We open at 9am.', contentType: 'text/plain' as const };
    const document = await addDocument(deps, { tenantId, baseId: 'kb_1', upload, newId: 'doc_1' });
    deps.ingestionQueue.jobs.length = 0;

    const counts = await recoverPending(deps, { olderThan: new Date('9999-01-01T00:00:00Z'), limit: 100 });

    expect(counts.documents).toBe(1);
    expect(deps.ingestionQueue.jobs).toEqual([
      { tenantId, knowledgeBaseId: 'kb_1', documentId: 'doc_1', uploadId: document.uploadId },
    ]);
  });

  it('leaves work newer than the cutoff alone', async () => {
    const deps = makeFakeDeps();
    const { tenantId, ai } = await givenTenantWithAi(deps);
    await givenMessage(deps, { tenantId, aiId: ai.id, text: 'Hi' });
    deps.generationQueue.jobs.length = 0;

    const counts = await recoverPending(deps, { olderThan: new Date(deps.clock.now().getTime() - 60_000), limit: 100 });

    expect(counts).toEqual({ messages: 0, deliveries: 0, documents: 0, erasures: 0 });
    expect(deps.generationQueue.jobs).toEqual([]);
  });

  it.each([
    ['message', SWEEP_STALE_AFTER_SECONDS.message],
    ['delivery', SWEEP_STALE_AFTER_SECONDS.delivery],
  ] as const)(
    'sweeps a %s only once it has waited longer than its SWEEP_STALE_AFTER_SECONDS (%i s)',
    async (kind, seconds) => {
      const deps = makeFakeDeps();
      const { tenantId, ai } = await givenTenantWithAi(deps);
      const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, conversationId: 'a', text: 'Hi' });
      if (kind === 'delivery') await generateReply(deps, { tenantId, conversationId: 'a', messageId, attempt: 1 });
      const sweep = () =>
        recoverPending(deps, { olderThan: staleCutoffs(deps.clock.now(), SWEEP_STALE_AFTER_SECONDS), limit: 100 });
      const count = (counts: Awaited<ReturnType<typeof sweep>>) =>
        kind === 'message' ? counts.messages : counts.deliveries;

      deps.clock.advance(seconds * 1000);
      const atTheEdge = await sweep();
      deps.clock.advance(1);
      const pastIt = await sweep();

      expect(count(atTheEdge)).toBe(0);
      expect(count(pastIt)).toBe(1);
      expect(pastIt.messages + pastIt.deliveries).toBe(1);
    },
  );
});
