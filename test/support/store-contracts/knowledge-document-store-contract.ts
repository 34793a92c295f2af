/** The behaviour every KnowledgeStore must have for documents, in memory and on DynamoDB alike. */
import { ValidationError } from '#lib/domain/errors';
import type { Stores } from '#lib/app/deps';
import { at, TENANT, OTHER_TENANT, aKnowledgeBase, aDocument } from '#test/support/store-contracts/fixtures';
import { type StoresSetup, useFreshStores } from '#test/support/store-contracts/stores-under-test';

/** Runs the contract against the stores `setup` makes, fresh for every test. */
export function describeKnowledgeDocumentStoreContract(setup: StoresSetup): void {
  describe('knowledge store', () => {
    let stores!: Stores;
    useFreshStores(setup, (fresh) => {
      stores = fresh;
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
  });
}
