/**
 * Answers grounded in knowledge: the generator gives the model the passages of the AI's (and its
 * product's) knowledge bases, keeps the citations the model names, and sends them in the webhook;
 * a correction becomes a confirmed answer that a later answer uses; questions answered badly are
 * listed as knowledge gaps.
 */
import { LibraryDocumentReader } from '#lib/adapters/documents/document-reader';
import { OfflineChatModel } from '#lib/adapters/offline/offline-chat-model';
import { createSetupItem } from '#lib/app/setup';
import { generateReply } from '#lib/app/generate-reply';
import { addDocument } from '#lib/app/knowledge/documents';
import { ingestDocument } from '#lib/app/knowledge/ingest-document';
import { createKnowledgeBase } from '#lib/app/knowledge/knowledge-bases';
import { UnreadableDocumentError } from '#lib/domain/errors';
import { type FakeDeps, makeFakeDeps } from '#test/support/fakes';
import { httpClient } from '#test/support/http';
import { givenMessage, givenSalesAi, givenTenantWithAi, TEST_API_KEY } from '#test/support/scenario';

async function givenBaseWith(deps: FakeDeps, tenantId: string, documents: { title: string; content: string }[]) {
  const base = await createKnowledgeBase(deps, { tenantId, id: deps.ids.newId('kb'), name: 'Help' });
  const ids: string[] = [];
  for (const d of documents) {
    const upload = { kind: 'text' as const, contentType: 'text/plain' as const, ...d };
    ids.push((await addDocument(deps, { tenantId, baseId: base.id, upload, newId: deps.ids.newId('doc') })).id);
  }
  const fetcher = {
    fetch: async () => {
      throw new UnreadableDocumentError('no network in unit tests');
    },
  };
  for (const job of deps.ingestionQueue.jobs.splice(0)) {
    await ingestDocument({ ...deps, reader: new LibraryDocumentReader(), fetcher }, { ...job, attempt: 1 });
  }
  return { baseId: base.id, documentIds: ids };
}

const HELP = [
  { title: 'Shipping', content: 'We ship to Canada and the USA. Orders to Canada arrive within 5 business days.' },
  { title: 'Returns', content: 'Returns are accepted within 45 days of delivery, with the receipt.' },
];

describe('a reply grounded in knowledge', () => {
  it('gives the model the passages that fit the question, and sends the ones it cites in the webhook', async () => {
    const deps = makeFakeDeps();
    const { tenantId } = await givenTenantWithAi(deps, {});
    const { baseId, documentIds } = await givenBaseWith(deps, tenantId, HELP);
    const { ai } = await givenTenantWithAi(deps, { name: 'Kim', knowledgeBaseIds: [baseId] });
    const { conversationId, messageId } = await givenMessage(deps, {
      tenantId,
      aiId: ai.id,
      text: 'How long does shipping to Canada take?',
    });
    deps.chatModel.nextReply((request) => ({
      text: 'About 5 business days.',
      needsHuman: false,
      reason: null,
      followUpAt: null,
      language: 'en',
      confidence: 'high',
      escalation: 'none',
      citations: [request.knowledge?.passages[0]?.ref ?? 0, 99],
    }));

    await generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 });

    const request = deps.chatModel.requests[0];
    expect(request?.knowledge?.passages[0]).toMatchObject({ ref: 1, title: 'Shipping' });
    const delivery = await deps.deliveries.getDelivery(tenantId, deps.deliveryQueue.jobs[0]?.job.deliveryId ?? '');
    expect(JSON.parse(delivery?.payload ?? '{}').citations).toEqual([
      { document_id: documentIds[0], title: 'Shipping', snippet: HELP[0]?.content },
    ]);
  });

  it("uses the knowledge bases of a sales AI's product too", async () => {
    const deps = makeFakeDeps();
    const { tenantId } = await givenTenantWithAi(deps, {});
    const { baseId } = await givenBaseWith(deps, tenantId, HELP);
    const productId = deps.ids.newId('prd');
    await createSetupItem(deps, {
      tenantId,
      kind: 'product',
      id: productId,
      fields: { name: 'Widget', description: 'A widget.', knowledgeBaseIds: [baseId] },
    });
    const { ai } = await givenSalesAi(deps, { productId });
    const { conversationId, messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, text: 'Can I return it?' });

    await generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 });

    expect(deps.chatModel.requests[0]?.knowledge?.passages.map((p) => p.title)).toContain('Returns');
  });

  it('answers a later, similar question with the correction a person left on an earlier answer', async () => {
    const deps = makeFakeDeps({ chatModel: new OfflineChatModel() as never });
    const { tenantId, ai } = await givenTenantWithAi(deps, { name: 'Kim' });
    const call = httpClient(deps, TEST_API_KEY);
    const asked = await call('POST', '/v1/conversations', { ai_id: ai.id, question: 'Do you ship to Canada?' });
    await generateReply(deps, {
      tenantId,
      conversationId: asked.body.conversation_id,
      messageId: asked.body.message_id,
      attempt: 1,
    });
    const before = await call('POST', `/v1/ais/${ai.id}/test`, { message: 'Can you ship my order to Canada?' });

    const feedback = await call(
      'POST',
      `/v1/conversations/${asked.body.conversation_id}/messages/${asked.body.message_id}/feedback`,
      { rating: 'down', correction: 'Yes, we ship to Canada: orders arrive within 5 business days.' },
    );
    const after = await call('POST', `/v1/ais/${ai.id}/test`, { message: 'Can you ship my order to Canada?' });
    const unrelated = await call('POST', `/v1/ais/${ai.id}/test`, { message: 'Do you ship to Mexico?' });
    const gaps = await call('GET', '/v1/knowledge-gaps');

    expect(feedback.status).toBe(200);
    expect(before.body.reply).not.toContain('5 business days');
    expect(after.body.reply).toContain('Yes, we ship to Canada: orders arrive within 5 business days.');
    expect(after.body.citations).toEqual([
      { document_id: expect.stringMatching(/^cor_/), title: 'Confirmed answer', snippet: expect.any(String) },
    ]);
    expect(unrelated.body.reply).not.toContain('5 business days');
    expect(gaps.body.data.map((g: { reason: string }) => g.reason)).toContain('rated_down');
  });

  it('lists an escalated question and an ungrounded answer as knowledge gaps, once each', async () => {
    const deps = makeFakeDeps();
    const { tenantId, ai } = await givenTenantWithAi(deps, {});
    const call = httpClient(deps, TEST_API_KEY);
    const first = await givenMessage(deps, {
      tenantId,
      aiId: ai.id,
      conversationId: 'a',
      text: 'Is there a warranty?',
    });
    const second = await givenMessage(deps, { tenantId, aiId: ai.id, conversationId: 'b', text: 'I need a person' });
    const base = { reason: null, followUpAt: null, language: 'en', citations: [] };
    deps.chatModel
      .nextReply(() => ({
        ...base,
        text: 'I am not sure.',
        needsHuman: false,
        escalation: 'none',
        confidence: 'low',
      }))
      .nextReply(() => ({
        ...base,
        text: 'A colleague will help.',
        needsHuman: true,
        escalation: 'human_requested',
        confidence: 'high',
      }));

    await generateReply(deps, { ...first, tenantId, attempt: 1 });
    await generateReply(deps, { ...second, tenantId, attempt: 1 });
    await generateReply(deps, { ...second, tenantId, attempt: 2 });
    const gaps = await call('GET', '/v1/knowledge-gaps');

    expect(gaps.status).toBe(200);
    expect(gaps.body.data.map((g: { reason: string; question: string }) => [g.reason, g.question])).toEqual([
      ['escalated', 'I need a person'],
      ['ungrounded', 'Is there a warranty?'],
    ]);
  });

  it('records an abstention as an ungrounded gap and escalates it as ungrounded only under that trigger', async () => {
    const deps = makeFakeDeps();
    const webhooks = { answerUrl: 'https://hooks.example.com/answer', emergencyUrl: 'https://hooks.example.com/help' };
    const { tenantId, ai } = await givenTenantWithAi(deps, { webhooks });
    const { ai: quiet } = await givenTenantWithAi(deps, {
      webhooks,
      emergency: { enabled: true, triggers: ['legal_threat'], pauseAi: false },
    });
    const asked = await givenMessage(deps, { tenantId, aiId: ai.id, conversationId: 'a', text: 'Do you ship kits?' });
    const other = await givenMessage(deps, { tenantId, aiId: quiet.id, conversationId: 'b', text: 'Any kits?' });
    const abstention = {
      text: 'I do not know; a colleague will get back to you.',
      needsHuman: true,
      reason: 'Not in the knowledge.',
      followUpAt: null,
      language: 'en',
      confidence: 'low' as const,
      escalation: 'unanswerable' as const,
      citations: [],
    };
    deps.chatModel.nextReply(() => abstention).nextReply(() => abstention);

    await generateReply(deps, { ...asked, tenantId, attempt: 1 });
    await generateReply(deps, { ...other, tenantId, attempt: 1 });
    const gaps = await httpClient(deps, TEST_API_KEY)('GET', '/v1/knowledge-gaps');

    const deliveries = await Promise.all(
      deps.deliveryQueue.jobs.map((j) => deps.deliveries.getDelivery(tenantId, j.job.deliveryId)),
    );
    expect(deliveries.map((d) => [d?.type, JSON.parse(d?.payload ?? '{}').reason])).toEqual([
      ['message.answered', undefined],
      ['conversation.escalated', 'ungrounded'],
      ['message.answered', undefined],
    ]);
    expect(gaps.body.data.map((g: { reason: string; question: string }) => [g.reason, g.question]).sort()).toEqual([
      ['ungrounded', 'Any kits?'],
      ['ungrounded', 'Do you ship kits?'],
    ]);
    expect((await deps.conversations.getConversation(tenantId, 'b'))?.needsHuman).toBe(true);
  });
});
