/** The behaviour every KnowledgeStore must have for corrections and knowledge gaps, in memory and on DynamoDB alike. */
import { ValidationError } from '#lib/domain/errors';
import type { Stores } from '#lib/app/deps';
import { at, TENANT, OTHER_TENANT, aKnowledgeBase, aCorrection, aGap } from '#test/support/store-contracts/fixtures';
import { type StoresSetup, useFreshStores } from '#test/support/store-contracts/stores-under-test';

/** Runs the contract against the stores `setup` makes, fresh for every test. */
export function describeKnowledgeFeedbackStoreContract(setup: StoresSetup): void {
  describe('knowledge store', () => {
    let stores!: Stores;
    useFreshStores(setup, (fresh) => {
      stores = fresh;
    });

    describe('corrections', () => {
      it("lists an AI's corrections oldest first, and only that AI's", async () => {
        await stores.knowledge.putCorrection(aCorrection({ id: 'cor_a', createdAt: at(30) }));
        await stores.knowledge.putCorrection(aCorrection({ id: 'cor_b', createdAt: at(10) }));
        await stores.knowledge.putCorrection(aCorrection({ id: 'cor_c', createdAt: at(20) }));
        await stores.knowledge.putCorrection(aCorrection({ aiId: 'ai_01#x', id: 'cor_d' }));
        await stores.knowledge.putCorrection(aCorrection({ aiId: 'ai_02', id: 'cor_e' }));
        await stores.knowledge.putCorrection(aCorrection({ tenantId: OTHER_TENANT, id: 'cor_f' }));

        const corrections = await stores.knowledge.listCorrections(TENANT, 'ai_01');

        expect(corrections.map((correction) => correction.id)).toEqual(['cor_b', 'cor_c', 'cor_a']);
        expect(corrections[0]).toStrictEqual(aCorrection({ id: 'cor_b', createdAt: at(10) }));
        expect((await stores.knowledge.listCorrections(TENANT, 'ai_01#x')).map((c) => c.id)).toEqual(['cor_d']);
        expect((await stores.knowledge.listCorrections(OTHER_TENANT, 'ai_01')).map((c) => c.id)).toEqual(['cor_f']);
        expect(await stores.knowledge.listCorrections(TENANT, 'ai_none')).toEqual([]);
      });

      it('replaces a correction with the same id', async () => {
        await stores.knowledge.putCorrection(aCorrection());

        await stores.knowledge.putCorrection(aCorrection({ answer: 'Yes, in 3 days now.', createdAt: at(60) }));

        expect(await stores.knowledge.listCorrections(TENANT, 'ai_01')).toStrictEqual([
          aCorrection({ answer: 'Yes, in 3 days now.', createdAt: at(60) }),
        ]);
      });

      it('stores an embedding on a correction that still has that question, and only then', async () => {
        const embedding = { model: 'text-embedding-3-small', vector: 'AACAPwAAAEA=' };
        await stores.knowledge.putCorrection(aCorrection({ id: 'cor_a' }));
        await stores.knowledge.putCorrection(aCorrection({ id: 'cor_b', question: 'Do you ship to Canada now?' }));

        const set = await stores.knowledge.setCorrectionEmbedding(aCorrection({ id: 'cor_a' }), embedding);
        const again = await stores.knowledge.setCorrectionEmbedding(aCorrection({ id: 'cor_a' }), embedding);
        // cor_b was replaced by a correction of another question since it was read: its vector would be wrong.
        const replaced = await stores.knowledge.setCorrectionEmbedding(aCorrection({ id: 'cor_b' }), embedding);
        const deleted = await stores.knowledge.setCorrectionEmbedding(aCorrection({ id: 'cor_gone' }), embedding);

        expect([set, again, replaced, deleted]).toEqual([true, true, false, false]);
        expect(await stores.knowledge.listCorrections(TENANT, 'ai_01')).toStrictEqual([
          aCorrection({ id: 'cor_a', embedding }),
          aCorrection({ id: 'cor_b', question: 'Do you ship to Canada now?' }),
        ]);
      });
    });

    describe('knowledge gaps', () => {
      it('reads a gap by id, closes it out of the list, and keeps it closed when recorded again', async () => {
        await stores.knowledge.putKnowledgeGap(aGap({ id: 'gap_01', createdAt: at(1) }));
        await stores.knowledge.putKnowledgeGap(aGap({ id: 'gap_02', createdAt: at(2) }));
        const gap = await stores.knowledge.getKnowledgeGap(TENANT, 'gap_01');

        await stores.knowledge.closeKnowledgeGap(gap ?? aGap(), at(10));
        await stores.knowledge.closeKnowledgeGap(gap ?? aGap(), at(20));
        await stores.knowledge.putKnowledgeGap(aGap({ id: 'gap_01', createdAt: at(30) }));

        expect(gap).toStrictEqual(aGap({ id: 'gap_01', createdAt: at(1) }));
        expect(await stores.knowledge.getKnowledgeGap(TENANT, 'gap_01')).toStrictEqual(
          aGap({ id: 'gap_01', createdAt: at(1), closedAt: at(10) }),
        );
        expect((await stores.knowledge.listKnowledgeGaps(TENANT, { limit: 10 })).items.map((g) => g.id)).toEqual([
          'gap_02',
        ]);
        expect(await stores.knowledge.getKnowledgeGap(OTHER_TENANT, 'gap_01')).toBeUndefined();
      });

      it('lists gaps newest first in pages, with a null cursor after the last page', async () => {
        for (const n of [3, 1, 5, 2, 4])
          await stores.knowledge.putKnowledgeGap(aGap({ id: `gap_0${n}`, createdAt: at(n) }));
        await stores.knowledge.putKnowledgeGap(aGap({ tenantId: OTHER_TENANT, id: 'gap_09', createdAt: at(9) }));

        const first = await stores.knowledge.listKnowledgeGaps(TENANT, { limit: 2 });
        const second = await stores.knowledge.listKnowledgeGaps(TENANT, {
          limit: 2,
          cursor: first.nextCursor ?? undefined,
        });
        const third = await stores.knowledge.listKnowledgeGaps(TENANT, {
          limit: 2,
          cursor: second.nextCursor ?? undefined,
        });

        expect(first.items.map((gap) => gap.id)).toEqual(['gap_05', 'gap_04']);
        expect(second.items.map((gap) => gap.id)).toEqual(['gap_03', 'gap_02']);
        expect(third).toEqual({ items: [aGap({ id: 'gap_01', createdAt: at(1) })], nextCursor: null });
      });

      it('keeps the first of a gap recorded twice, even at a later time', async () => {
        await stores.knowledge.putKnowledgeGap(aGap({ createdAt: at(10) }));

        await stores.knowledge.putKnowledgeGap(aGap({ createdAt: at(10) }));
        await stores.knowledge.putKnowledgeGap(aGap({ createdAt: at(70), reason: 'ungrounded' }));

        expect(await stores.knowledge.listKnowledgeGaps(TENANT, { limit: 10 })).toEqual({
          items: [aGap({ createdAt: at(10) })],
          nextCursor: null,
        });
      });

      it('rejects a forged cursor and the cursors of another tenant and another list', async () => {
        for (const n of [1, 2]) {
          await stores.knowledge.putKnowledgeGap(aGap({ id: `gap_0${n}`, createdAt: at(n) }));
          await stores.knowledge.putKnowledgeGap(aGap({ tenantId: OTHER_TENANT, id: `gap_0${n}`, createdAt: at(n) }));
          await stores.knowledge.createKnowledgeBase(aKnowledgeBase({ id: `kb_0${n}` }));
        }
        const theirs = await stores.knowledge.listKnowledgeGaps(OTHER_TENANT, { limit: 1 });
        const bases = await stores.knowledge.listKnowledgeBases(TENANT, { limit: 1 });

        for (const cursor of ['not-a-cursor', theirs.nextCursor, bases.nextCursor]) {
          const attempt = stores.knowledge.listKnowledgeGaps(TENANT, { limit: 1, cursor: cursor ?? undefined });
          await expect(attempt).rejects.toBeInstanceOf(ValidationError);
          await expect(attempt).rejects.toMatchObject({ details: [{ path: 'cursor' }] });
        }
      });
    });
  });
}
