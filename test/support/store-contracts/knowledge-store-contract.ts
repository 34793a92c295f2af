/** The behaviour every KnowledgeStore must have, in memory and on DynamoDB alike. */
import { ConcurrencyError, ValidationError } from '#lib/domain/errors';
import type { Stores } from '#lib/app/deps';
import {
  at,
  TENANT,
  OTHER_TENANT,
  aKnowledgeBase,
  aDocument,
  aCorrection,
  aGap,
} from '#test/support/store-contracts/fixtures';
import { type StoresSetup, useFreshStores } from '#test/support/store-contracts/stores-under-test';

/** Runs the KnowledgeStore contract against the stores `setup` makes, fresh for every test. */
export function describeKnowledgeStoreContract(setup: StoresSetup): void {
  describe('knowledge store', () => {
    let stores!: Stores;
    useFreshStores(setup, (fresh) => {
      stores = fresh;
    });

    describe('knowledge bases', () => {
      it('reads back exactly the base it created, maps included', async () => {
        const base = aKnowledgeBase({ version: 3, indexed: { doc_01: 'upl_01' }, uploads: { doc_01: 'upl_01' } });

        await stores.knowledge.createKnowledgeBase(base);

        expect(await stores.knowledge.getKnowledgeBase(TENANT, 'kb_01')).toStrictEqual(base);
      });

      it('refuses to create a base whose id exists', async () => {
        await stores.knowledge.createKnowledgeBase(aKnowledgeBase());

        await expect(
          stores.knowledge.createKnowledgeBase(aKnowledgeBase({ name: 'Duplicate' })),
        ).rejects.toBeInstanceOf(ConcurrencyError);
        expect((await stores.knowledge.getKnowledgeBase(TENANT, 'kb_01'))?.name).toBe('Pricing and shipping');
      });

      it('lists bases in id order in pages, without their documents', async () => {
        for (const n of [3, 1, 2]) {
          await stores.knowledge.createKnowledgeBase(aKnowledgeBase({ id: `kb_0${n}` }));
          await stores.knowledge.putDocument(aDocument({ knowledgeBaseId: `kb_0${n}` }));
        }

        const first = await stores.knowledge.listKnowledgeBases(TENANT, { limit: 2 });
        const second = await stores.knowledge.listKnowledgeBases(TENANT, {
          limit: 2,
          cursor: first.nextCursor ?? undefined,
        });

        expect(first.items.map((base) => base.id)).toEqual(['kb_01', 'kb_02']);
        expect(second).toEqual({ items: [aKnowledgeBase({ id: 'kb_03' })], nextCursor: null });
      });

      it('deletes a base once and reports false the second time', async () => {
        await stores.knowledge.createKnowledgeBase(aKnowledgeBase());

        expect(await stores.knowledge.deleteKnowledgeBase(TENANT, 'kb_01')).toBe(true);
        expect(await stores.knowledge.deleteKnowledgeBase(TENANT, 'kb_01')).toBe(false);
        expect(await stores.knowledge.getKnowledgeBase(TENANT, 'kb_01')).toBeUndefined();
      });

      it("shows one tenant none of another tenant's bases", async () => {
        await stores.knowledge.createKnowledgeBase(aKnowledgeBase());

        expect(await stores.knowledge.listKnowledgeBases(OTHER_TENANT, { limit: 10 })).toEqual({
          items: [],
          nextCursor: null,
        });
        expect(await stores.knowledge.getKnowledgeBase(OTHER_TENANT, 'kb_01')).toBeUndefined();
        expect(await stores.knowledge.deleteKnowledgeBase(OTHER_TENANT, 'kb_01')).toBe(false);
        expect(await stores.knowledge.startUpload(OTHER_TENANT, 'kb_01', 'doc_01', 'upl_01', at(1))).toBe(false);
        expect(await stores.knowledge.getKnowledgeBase(TENANT, 'kb_01')).toStrictEqual(aKnowledgeBase());
      });
    });

    describe('what is searchable', () => {
      it('records an upload, bumping the version', async () => {
        await stores.knowledge.createKnowledgeBase(aKnowledgeBase());

        const started = await stores.knowledge.startUpload(TENANT, 'kb_01', 'doc_01', 'upl_01', at(5));

        expect(started).toBe(true);
        expect(await stores.knowledge.getKnowledgeBase(TENANT, 'kb_01')).toStrictEqual(
          aKnowledgeBase({ version: 1, uploads: { doc_01: 'upl_01' }, updatedAt: at(5) }),
        );
      });

      it('makes the latest upload searchable, bumping the version', async () => {
        await stores.knowledge.createKnowledgeBase(aKnowledgeBase());
        await stores.knowledge.startUpload(TENANT, 'kb_01', 'doc_01', 'upl_01', at(5));

        const indexed = await stores.knowledge.markIndexed(TENANT, 'kb_01', 'doc_01', 'upl_01', at(9));

        expect(indexed).toBe(true);
        expect(await stores.knowledge.getKnowledgeBase(TENANT, 'kb_01')).toStrictEqual(
          aKnowledgeBase({
            version: 2,
            uploads: { doc_01: 'upl_01' },
            indexed: { doc_01: 'upl_01' },
            updatedAt: at(9),
          }),
        );
      });

      it('takes the earlier upload out of search when the document is uploaded again', async () => {
        await stores.knowledge.createKnowledgeBase(aKnowledgeBase());
        await stores.knowledge.startUpload(TENANT, 'kb_01', 'doc_01', 'upl_01', at(1));
        await stores.knowledge.markIndexed(TENANT, 'kb_01', 'doc_01', 'upl_01', at(2));
        await stores.knowledge.startUpload(TENANT, 'kb_01', 'doc_02', 'upl_02', at(3));
        await stores.knowledge.markIndexed(TENANT, 'kb_01', 'doc_02', 'upl_02', at(4));

        await stores.knowledge.startUpload(TENANT, 'kb_01', 'doc_01', 'upl_03', at(5));

        expect(await stores.knowledge.getKnowledgeBase(TENANT, 'kb_01')).toMatchObject({
          version: 5,
          uploads: { doc_01: 'upl_03', doc_02: 'upl_02' },
          indexed: { doc_02: 'upl_02' },
        });
      });

      it('refuses to index an upload that is no longer the latest, changing nothing', async () => {
        await stores.knowledge.createKnowledgeBase(aKnowledgeBase());
        await stores.knowledge.startUpload(TENANT, 'kb_01', 'doc_01', 'upl_01', at(1));
        await stores.knowledge.startUpload(TENANT, 'kb_01', 'doc_01', 'upl_02', at(2));
        const before = await stores.knowledge.getKnowledgeBase(TENANT, 'kb_01');

        const stale = await stores.knowledge.markIndexed(TENANT, 'kb_01', 'doc_01', 'upl_01', at(3));
        const neverStarted = await stores.knowledge.markIndexed(TENANT, 'kb_01', 'doc_09', 'upl_01', at(3));

        expect([stale, neverStarted]).toEqual([false, false]);
        expect(await stores.knowledge.getKnowledgeBase(TENANT, 'kb_01')).toStrictEqual(before);
      });

      it('reports false for a base that does not exist, and does not create it', async () => {
        expect(await stores.knowledge.startUpload(TENANT, 'kb_missing', 'doc_01', 'upl_01', at(1))).toBe(false);
        expect(await stores.knowledge.markIndexed(TENANT, 'kb_missing', 'doc_01', 'upl_01', at(1))).toBe(false);
        await stores.knowledge.forgetDocument(TENANT, 'kb_missing', 'doc_01', at(1));

        expect(await stores.knowledge.getKnowledgeBase(TENANT, 'kb_missing')).toBeUndefined();
      });

      it('forgets a document, bumping the version, and forgets it again without complaint', async () => {
        await stores.knowledge.createKnowledgeBase(aKnowledgeBase());
        await stores.knowledge.startUpload(TENANT, 'kb_01', 'doc_01', 'upl_01', at(1));
        await stores.knowledge.markIndexed(TENANT, 'kb_01', 'doc_01', 'upl_01', at(2));
        await stores.knowledge.startUpload(TENANT, 'kb_01', 'doc_02', 'upl_02', at(3));

        await stores.knowledge.forgetDocument(TENANT, 'kb_01', 'doc_01', at(4));
        const forgotten = await stores.knowledge.getKnowledgeBase(TENANT, 'kb_01');
        await stores.knowledge.forgetDocument(TENANT, 'kb_01', 'doc_01', at(5));

        expect(forgotten).toStrictEqual(
          aKnowledgeBase({ version: 4, uploads: { doc_02: 'upl_02' }, indexed: {}, updatedAt: at(4) }),
        );
        expect(await stores.knowledge.getKnowledgeBase(TENANT, 'kb_01')).toMatchObject({
          uploads: { doc_02: 'upl_02' },
          indexed: {},
        });
      });

      it('keeps document ids with path characters as single map keys', async () => {
        await stores.knowledge.createKnowledgeBase(aKnowledgeBase());

        await stores.knowledge.startUpload(TENANT, 'kb_01', 'doc.a[0]#b', 'upl_01', at(1));
        await stores.knowledge.markIndexed(TENANT, 'kb_01', 'doc.a[0]#b', 'upl_01', at(2));

        expect(await stores.knowledge.getKnowledgeBase(TENANT, 'kb_01')).toMatchObject({
          uploads: { 'doc.a[0]#b': 'upl_01' },
          indexed: { 'doc.a[0]#b': 'upl_01' },
        });
      });
    });

    describe('documents', () => {
      it('lists a queued document as pending, for the recovery sweep, until its outcome is recorded', async () => {
        await stores.knowledge.putDocument(aDocument({ status: 'queued', updatedAt: at(10), uploadId: 'upl_07' }));
        const pending = await stores.pendingWork.listPending(at(60), 10);

        await stores.knowledge.updateDocumentStatus(TENANT, 'kb_01', 'doc_01', 'upl_07', {
          status: 'ready',
          chunkCount: 3,
          updatedAt: at(20),
        });

        expect(pending).toEqual([
          {
            kind: 'document',
            tenantId: TENANT,
            knowledgeBaseId: 'kb_01',
            documentId: 'doc_01',
            uploadId: 'upl_07',
            since: at(10),
          },
        ]);
        expect(await stores.pendingWork.listPending(at(60), 10)).toEqual([]);
      });

      it('reads back exactly the document it put, and replaces it when put again', async () => {
        await stores.knowledge.putDocument({ ...aDocument(), error: undefined });
        const first = await stores.knowledge.getDocument(TENANT, 'kb_01', 'doc_01');

        await stores.knowledge.putDocument(
          aDocument({ uploadId: 'upl_02', source: { kind: 'url', url: 'https://a.example' } }),
        );

        expect(first).toStrictEqual(aDocument());
        expect(await stores.knowledge.getDocument(TENANT, 'kb_01', 'doc_01')).toStrictEqual(
          aDocument({ uploadId: 'upl_02', source: { kind: 'url', url: 'https://a.example' } }),
        );
      });

      it('records the outcome of the current upload, keeping the title unless one is read', async () => {
        await stores.knowledge.putDocument(aDocument());
        await stores.knowledge.putDocument(aDocument({ id: 'doc_02' }));

        const ready = await stores.knowledge.updateDocumentStatus(TENANT, 'kb_01', 'doc_01', 'upl_01', {
          status: 'ready',
          chunkCount: 12,
          updatedAt: at(10),
          title: 'Shipping and returns',
        });
        const failed = await stores.knowledge.updateDocumentStatus(TENANT, 'kb_01', 'doc_02', 'upl_01', {
          status: 'failed',
          chunkCount: 0,
          updatedAt: at(10),
          error: 'The PDF is encrypted.',
        });

        expect([ready, failed]).toEqual([true, true]);
        expect(await stores.knowledge.getDocument(TENANT, 'kb_01', 'doc_01')).toStrictEqual(
          aDocument({ status: 'ready', chunkCount: 12, updatedAt: at(10), title: 'Shipping and returns' }),
        );
        expect(await stores.knowledge.getDocument(TENANT, 'kb_01', 'doc_02')).toStrictEqual(
          aDocument({ id: 'doc_02', status: 'failed', updatedAt: at(10), error: 'The PDF is encrypted.' }),
        );
      });

      it('drops an earlier error when an outcome without one is recorded', async () => {
        await stores.knowledge.putDocument(aDocument({ status: 'failed', error: 'Timed out.' }));

        await stores.knowledge.updateDocumentStatus(TENANT, 'kb_01', 'doc_01', 'upl_01', {
          status: 'ready',
          chunkCount: 3,
          updatedAt: at(20),
        });

        expect(await stores.knowledge.getDocument(TENANT, 'kb_01', 'doc_01')).toStrictEqual(
          aDocument({ status: 'ready', chunkCount: 3, updatedAt: at(20) }),
        );
      });

      it('refuses the outcome of an upload that is no longer current, or of a missing document', async () => {
        await stores.knowledge.putDocument(aDocument({ uploadId: 'upl_02' }));
        const outcome = { status: 'ready', chunkCount: 4, updatedAt: at(10) } as const;

        const stale = await stores.knowledge.updateDocumentStatus(TENANT, 'kb_01', 'doc_01', 'upl_01', outcome);
        const missing = await stores.knowledge.updateDocumentStatus(TENANT, 'kb_01', 'doc_missing', 'upl_01', outcome);
        const otherTenant = await stores.knowledge.updateDocumentStatus(
          OTHER_TENANT,
          'kb_01',
          'doc_01',
          'upl_02',
          outcome,
        );

        expect([stale, missing, otherTenant]).toEqual([false, false, false]);
        expect(await stores.knowledge.getDocument(TENANT, 'kb_01', 'doc_01')).toStrictEqual(
          aDocument({ uploadId: 'upl_02' }),
        );
        expect(await stores.knowledge.getDocument(TENANT, 'kb_01', 'doc_missing')).toBeUndefined();
        expect(await stores.knowledge.getDocument(OTHER_TENANT, 'kb_01', 'doc_01')).toBeUndefined();
      });

      it('lists the documents of one base in id order in pages, with a null cursor after the last page', async () => {
        for (const n of [3, 1, 5, 2, 4]) await stores.knowledge.putDocument(aDocument({ id: `doc_0${n}` }));

        const first = await stores.knowledge.listDocuments(TENANT, 'kb_01', { limit: 2 });
        const second = await stores.knowledge.listDocuments(TENANT, 'kb_01', {
          limit: 2,
          cursor: first.nextCursor ?? undefined,
        });
        const third = await stores.knowledge.listDocuments(TENANT, 'kb_01', {
          limit: 2,
          cursor: second.nextCursor ?? undefined,
        });

        expect(first.items.map((document) => document.id)).toEqual(['doc_01', 'doc_02']);
        expect(second.items.map((document) => document.id)).toEqual(['doc_03', 'doc_04']);
        expect(third).toEqual({ items: [aDocument({ id: 'doc_05' })], nextCursor: null });
      });

      it("never lists another base's or another tenant's documents, whatever the base ids", async () => {
        const baseIds = ['kb_a', 'kb_a#b', 'kb_a%23b', 'kb_ab'];
        for (const baseId of baseIds) {
          await stores.knowledge.putDocument(aDocument({ knowledgeBaseId: baseId, id: 'doc_01', title: baseId }));
        }
        await stores.knowledge.putDocument(
          aDocument({ tenantId: OTHER_TENANT, knowledgeBaseId: 'kb_a', title: 'theirs' }),
        );

        for (const baseId of baseIds) {
          const listed = await stores.knowledge.listDocuments(TENANT, baseId, { limit: 10 });
          expect(listed.items.map((document) => document.title)).toEqual([baseId]);
        }
        expect((await stores.knowledge.listDocuments(OTHER_TENANT, 'kb_a', { limit: 10 })).items).toHaveLength(1);
        expect(await stores.knowledge.listDocuments(TENANT, 'kb_empty', { limit: 10 })).toEqual({
          items: [],
          nextCursor: null,
        });
        expect(await stores.knowledge.listKnowledgeBases(TENANT, { limit: 10 })).toEqual({
          items: [],
          nextCursor: null,
        });
      });

      it('rejects a forged cursor and the cursors of another base, another tenant and the bases list', async () => {
        for (const n of [1, 2]) {
          await stores.knowledge.putDocument(aDocument({ id: `doc_0${n}` }));
          await stores.knowledge.putDocument(aDocument({ knowledgeBaseId: 'kb_02', id: `doc_0${n}` }));
          await stores.knowledge.putDocument(aDocument({ tenantId: OTHER_TENANT, id: `doc_0${n}` }));
          await stores.knowledge.createKnowledgeBase(aKnowledgeBase({ id: `kb_0${n}` }));
        }
        const otherBase = await stores.knowledge.listDocuments(TENANT, 'kb_02', { limit: 1 });
        const otherTenant = await stores.knowledge.listDocuments(OTHER_TENANT, 'kb_01', { limit: 1 });
        const bases = await stores.knowledge.listKnowledgeBases(TENANT, { limit: 1 });

        for (const cursor of ['not-a-cursor', otherBase.nextCursor, otherTenant.nextCursor, bases.nextCursor]) {
          const attempt = stores.knowledge.listDocuments(TENANT, 'kb_01', { limit: 1, cursor: cursor ?? undefined });
          await expect(attempt).rejects.toBeInstanceOf(ValidationError);
          await expect(attempt).rejects.toMatchObject({ details: [{ path: 'cursor' }] });
        }
        const first = await stores.knowledge.listDocuments(TENANT, 'kb_01', { limit: 1 });
        await expect(
          stores.knowledge.listKnowledgeBases(TENANT, { limit: 1, cursor: first.nextCursor ?? undefined }),
        ).rejects.toMatchObject({ details: [{ path: 'cursor' }] });
      });

      it('deletes a document once and reports false the second time', async () => {
        await stores.knowledge.putDocument(aDocument());

        expect(await stores.knowledge.deleteDocument(OTHER_TENANT, 'kb_01', 'doc_01')).toBe(false);
        expect(await stores.knowledge.deleteDocument(TENANT, 'kb_02', 'doc_01')).toBe(false);
        expect(await stores.knowledge.deleteDocument(TENANT, 'kb_01', 'doc_01')).toBe(true);
        expect(await stores.knowledge.deleteDocument(TENANT, 'kb_01', 'doc_01')).toBe(false);
        expect(await stores.knowledge.getDocument(TENANT, 'kb_01', 'doc_01')).toBeUndefined();
      });
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
    });

    describe('knowledge gaps', () => {
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
