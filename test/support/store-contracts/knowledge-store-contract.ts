/** The behaviour every KnowledgeStore must have, in memory and on DynamoDB alike. */
import { ConcurrencyError } from '#lib/domain/errors';
import type { Stores } from '#lib/app/deps';
import { at, TENANT, OTHER_TENANT, aKnowledgeBase, aDocument } from '#test/support/store-contracts/fixtures';
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
  });
}
