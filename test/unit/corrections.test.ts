/**
 * Corrections retrieved like knowledge: the lexical closeness that decides which reach the model
 * and the offline model's stricter use of them; embeddings made when a correction is made, and for
 * one stored without a vector on its first use (written back once, crash-safe and idempotent).
 */
import { applicableCorrection, OFFLINE_CORRECTION_CLOSENESS } from '#lib/adapters/offline/offline-corrections';
import { groundReply } from '#lib/app/knowledge/ground-reply';
import {
  CANDIDATE_CLOSENESS,
  CANDIDATE_SIMILARITY,
  candidateCorrections,
  closenessOf,
  oneEditApart,
} from '#lib/domain/knowledge/corrections';
import type { Correction } from '#lib/domain/knowledge/types';
import { decodeVector, encodeVector } from '#lib/domain/knowledge/vectors';
import { MAX_CORRECTIONS_EMBEDDED_PER_REPLY } from '#lib/domain/limits/knowledge';
import type { Embedder } from '#lib/ports/knowledge';
import { fakeEmbedding } from '#test/support/fake-openai';
import { makeFakeDeps } from '#test/support/fakes';
import { httpClient } from '#test/support/http';
import { givenTenantWithAi, TEST_API_KEY } from '#test/support/scenario';

const CANADA = {
  question: 'Do you ship kits to Canada?',
  answer: 'Yes, we ship kits to Canada within 10 business days.',
};

/** Bag-of-words vectors as the fake OpenAI server makes them; records what it embedded, fails when told to. */
class RecordingEmbedder implements Embedder {
  readonly model = 'text-embedding-3-small';
  readonly dimensions = 64;
  readonly embedded: string[] = [];
  failing = false;
  async embed(texts: string[]): Promise<Float32Array[]> {
    if (this.failing) throw new Error('embeddings unavailable');
    this.embedded.push(...texts);
    return texts.map((text) => Float32Array.from(fakeEmbedding(text, this.dimensions)));
  }
}

const aCorrection = (overrides: Partial<Correction> = {}): Correction => ({
  tenantId: 'ten_1',
  aiId: 'ai_1',
  id: 'cor_1',
  ...CANADA,
  conversationId: 'conv_1',
  messageId: 'msg_1',
  createdAt: '2026-12-01T10:00:00.000Z',
  ...overrides,
});

describe('matching corrections to a question', () => {
  const closeness = (question: string) => closenessOf(question, CANADA, { corrections: [CANADA] });

  it('finds a shorter, politer or misspelt rewording close, and another country far', () => {
    expect(closeness('Do you ship to Canada?')).toBeGreaterThanOrEqual(OFFLINE_CORRECTION_CLOSENESS);
    expect(closeness('Hello! Could you please tell me whether you ship kits to Canada? Thanks')).toBe(1);
    expect(closeness('Do you deliver kits to Canda?')).toBe(1);
    expect(closeness('Do you ship to Mexico?')).toBeLessThan(CANDIDATE_CLOSENESS);
    expect(closeness('Where is your showroom?')).toBe(0);
  });

  it('weighs a word by how rare it is among the corrections and knowledge', () => {
    const knowledge = ['Every kit ships with a manual.', 'Kits are made in Utrecht.', 'Kit prices include VAT.'];
    const plain = closenessOf('Do you ship to Canada?', CANADA, { corrections: [CANADA] });
    const kitIsCommon = closenessOf('Do you ship to Canada?', CANADA, { corrections: [CANADA], knowledge });

    expect(kitIsCommon).toBeGreaterThan(plain);
  });

  it('meets everyday support synonyms and phrases: "money back" for a refund, "a higher plan" for an upgrade, "X life" for "how long does X last"', () => {
    const close = (question: string, correction: { question: string; answer: string }) =>
      closenessOf(question, correction, { corrections: [correction] });
    const refund = { question: 'Can I get a refund on a workshop ticket?', answer: 'Yes, up to 7 days before.' };
    const upgrade = { question: 'Can I upgrade my hosting plan?', answer: 'Yes, at any time from your account.' };
    const headphones = { question: 'How long does the headphone battery last?', answer: 'About 30 hours.' };

    expect(close('Can I get my money back on a workshop ticket?', refund)).toBe(1);
    expect(close('Can I switch to a higher hosting plan?', upgrade)).toBe(1);
    expect(close('What is the headphone battery life?', headphones)).toBe(1);
    expect(close('Headphones: how long do they last on a single charge?', headphones)).toBeGreaterThanOrEqual(
      OFFLINE_CORRECTION_CLOSENESS,
    );
  });

  it('never finds the opposite request close, however many words it shares', () => {
    const upgrade = { question: 'Can I upgrade my hosting plan?', answer: 'Yes, at any time from your account.' };
    const unsubscribe = {
      question: 'How do I unsubscribe from the mailing list?',
      answer: 'Use the link in any mail.',
    };

    expect(closenessOf('Can I downgrade my hosting plan?', upgrade, { corrections: [upgrade] })).toBe(0);
    expect(closenessOf('How do I subscribe to the mailing list?', unsubscribe, { corrections: [unsubscribe] })).toBe(0);
  });

  it("counts a word found only in the correction's answer as far as the question holds the correction's subject", () => {
    const engraving = {
      question: 'Do you engrave watches?',
      answer: 'Yes, engraving is free, and every watch comes in a box with a handwritten card.',
    };
    const close = (question: string) => closenessOf(question, engraving, { corrections: [engraving] });

    // Its subject held, the answer's words explain the rest of the question…
    expect(close('Do you engrave watches, with a handwritten card?')).toBeGreaterThanOrEqual(
      OFFLINE_CORRECTION_CLOSENESS,
    );
    // …but a question about a thing the answer names in passing is another question.
    expect(close('Do you engrave cards?')).toBeLessThan(OFFLINE_CORRECTION_CLOSENESS);
  });

  it('meets a misspelling one edit away, never a word two edits or a swap of distant letters away', () => {
    expect(['canda', 'canadas', 'cnaada', 'canbda'].map((typo) => oneEditApart(typo, 'canada'))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['canada', 'mexico', 'cnadaa', 'ca'].map((other) => oneEditApart(other, 'canada'))).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it(`hands over a correction with no word in common when its question's vector is at least ${CANDIDATE_SIMILARITY} similar`, () => {
    const vector = { model: 'm', values: Float32Array.from([1, 0, 0]) };
    /** A correction whose vector has cosine `similarity` with the question's. */
    const at = (id: string, similarity: number, model = 'm') =>
      aCorrection({ id, embedding: { model, vector: encodeVector([similarity, Math.sqrt(1 - similarity ** 2), 0]) } });
    const corrections = [
      at('cor_close', CANDIDATE_SIMILARITY + 0.01),
      at('cor_under', CANDIDATE_SIMILARITY - 0.01),
      at('cor_other_model', 1, 'x'),
    ];

    const handed = candidateCorrections('Any chance of a parcel to Toronto?', corrections, { vector }, 3);

    expect(handed.map((m) => [m.correction.id, m.closeness])).toEqual([['cor_close', 0]]);
  });

  it('offline, answers with the closest handed-over correction over its threshold, scoring one handed over without closeness', () => {
    const knowledge = (corrections: { ref: number; question: string; answer: string; closeness?: number }[]) => ({
      corrections,
      passages: [],
    });

    const scored = knowledge([
      { ref: 1, ...CANADA, closeness: OFFLINE_CORRECTION_CLOSENESS - 0.01 },
      { ref: 2, question: 'Do you ship to Canada?', answer: 'Yes.', closeness: OFFLINE_CORRECTION_CLOSENESS },
    ]);
    const unscored = knowledge([{ ref: 1, ...CANADA }]);

    expect(applicableCorrection(scored, 'Do you ship to Canada?')?.ref).toBe(2);
    expect(applicableCorrection(unscored, 'Do you ship to Canada?')?.ref).toBe(1);
    expect(applicableCorrection(unscored, 'Do you ship to Mexico?')).toBeUndefined();
  });
});

describe('embedding corrections', () => {
  // Feedback with a correction embeds it the same way: test/e2e/corrections.test.ts.
  it('embeds a correction made by answering a knowledge gap, and stores its vector (not shown in the API)', async () => {
    const embedder = new RecordingEmbedder();
    const deps = makeFakeDeps({ embedder });
    const { tenantId, ai } = await givenTenantWithAi(deps, {});

    const stored = await givenCorrectionThroughGap(deps, tenantId, ai.id);

    expect(stored.embedding?.model).toBe(embedder.model);
    expect([...decodeVector(stored.embedding?.vector ?? '')]).toEqual([
      ...Float32Array.from(fakeEmbedding(CANADA.question, embedder.dimensions)),
    ]);
  });

  it('embeds a correction stored without a vector on its first use, writes it back, and uses the stored one after', async () => {
    const embedder = new RecordingEmbedder();
    const deps = makeFakeDeps({ embedder });
    const { ai } = await givenTenantWithAi(deps, {});
    await deps.knowledge.putCorrection(aCorrection({ tenantId: ai.tenantId, aiId: ai.id }));

    const first = await groundReply(deps, { ai, setup: undefined, question: 'Do you ship to Canada?' });
    const [stored] = await deps.knowledge.listCorrections(ai.tenantId, ai.id);
    const second = await groundReply(deps, { ai, setup: undefined, question: 'Shipping to Canada?' });

    expect(first.context.corrections.map((c) => c.answer)).toEqual([CANADA.answer]);
    expect(second.context.corrections.map((c) => c.answer)).toEqual([CANADA.answer]);
    expect(stored?.embedding?.model).toBe(embedder.model);
    expect(embedder.embedded).toEqual(['Do you ship to Canada?', CANADA.question, 'Shipping to Canada?']);
  });

  it(`embeds at most ${MAX_CORRECTIONS_EMBEDDED_PER_REPLY} stored corrections in one reply, the rest in later ones`, async () => {
    const embedder = new RecordingEmbedder();
    const deps = makeFakeDeps({ embedder });
    const { ai } = await givenTenantWithAi(deps, {});
    const count = MAX_CORRECTIONS_EMBEDDED_PER_REPLY + 5;
    for (let i = 0; i < count; i++) {
      await deps.knowledge.putCorrection(
        aCorrection({ tenantId: ai.tenantId, aiId: ai.id, id: `cor_${i}`, question: `Question ${i}?` }),
      );
    }
    const embeddedCount = async () =>
      (await deps.knowledge.listCorrections(ai.tenantId, ai.id)).filter((c) => c.embedding).length;

    await groundReply(deps, { ai, setup: undefined, question: 'Do you ship to Canada?' });
    const afterOne = await embeddedCount();
    await groundReply(deps, { ai, setup: undefined, question: 'Do you ship to Canada?' });

    expect(afterOne).toBe(MAX_CORRECTIONS_EMBEDDED_PER_REPLY);
    expect(await embeddedCount()).toBe(count);
  });

  it('matches lexically and stores nothing when the embedder fails', async () => {
    const embedder = new RecordingEmbedder();
    embedder.failing = true;
    const deps = makeFakeDeps({ embedder });
    const { ai } = await givenTenantWithAi(deps, {});
    await deps.knowledge.putCorrection(aCorrection({ tenantId: ai.tenantId, aiId: ai.id }));

    const { context } = await groundReply(deps, { ai, setup: undefined, question: 'Do you ship to Canada?' });

    expect(context.corrections.map((c) => c.answer)).toEqual([CANADA.answer]);
    expect((await deps.knowledge.listCorrections(ai.tenantId, ai.id))[0]?.embedding).toBeUndefined();
  });
});

/** A correction made by answering a knowledge gap over HTTP (the other way a correction is made). */
async function givenCorrectionThroughGap(deps: ReturnType<typeof makeFakeDeps>, tenantId: string, aiId: string) {
  await deps.knowledge.putKnowledgeGap({
    tenantId,
    id: 'gap_1',
    aiId,
    conversationId: 'conv_1',
    messageId: 'msg_1',
    question: CANADA.question,
    reason: 'ungrounded',
    createdAt: '2026-12-01T10:00:00.000Z',
  });
  const answered = await httpClient(deps, TEST_API_KEY)('POST', '/v1/knowledge-gaps/gap_1/answer', {
    answer: CANADA.answer,
  });
  expect(answered.status).toBe(200);
  expect(answered.body.correction).not.toHaveProperty('embedding');
  const [stored] = await deps.knowledge.listCorrections(tenantId, aiId);
  return stored as Correction;
}
