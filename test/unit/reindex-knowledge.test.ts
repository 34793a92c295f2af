/**
 * Switching the embedding model (another provider) never mixes two models' vectors in one search,
 * and re-indexing brings the passages back into semantic search with the new model.
 */
import { describe, expect, it } from '@jest/globals';
import { LibraryDocumentReader } from '#lib/adapters/documents/document-reader';
import { addDocument } from '#lib/app/knowledge/documents';
import { ingestDocument } from '#lib/app/knowledge/ingest-document';
import { createKnowledgeBase } from '#lib/app/knowledge/knowledge-bases';
import { reindexKnowledge } from '#lib/app/knowledge/reindex-knowledge';
import { knowledgeReindexName, reindexForModel } from '#lib/app/knowledge/reindex-migration';
import { chunkSetKey } from '#lib/domain/knowledge/blob-keys';
import { REINDEX_SCAN_BATCH } from '#lib/domain/limits/knowledge';
import type { ChunkSet } from '#lib/domain/knowledge/types';
import { UnreadableDocumentError } from '#lib/domain/errors';
import type { Embedder } from '#lib/ports/knowledge';
import { fakeEmbedding } from '#test/support/fake-openai';
import { type FakeDeps, makeFakeDeps } from '#test/support/fakes';

const TENANT = 'ten_1';

/** An embedder named `model`, with the fake server's word-hashing vectors. */
function embedderNamed(model: string): Embedder {
  return {
    model,
    dimensions: 256,
    embed: async (texts) => texts.map((text) => Float32Array.from(fakeEmbedding(`${model} ${text}`, 256))),
  };
}

const fetcher = {
  fetch: async () => {
    throw new UnreadableDocumentError('no network in unit tests');
  },
};

async function ingestQueued(deps: FakeDeps): Promise<void> {
  for (const job of deps.ingestionQueue.jobs.splice(0)) {
    await ingestDocument({ ...deps, reader: new LibraryDocumentReader(), fetcher }, { ...job, attempt: 1 });
  }
}

async function givenBaseEmbeddedBy(deps: FakeDeps, tenantId = TENANT) {
  await deps.tenants.ensureTenant({ id: tenantId, name: tenantId, createdAt: '2026-01-01T00:00:00.000Z' });
  const base = await createKnowledgeBase(deps, { tenantId, id: 'kb_1', name: 'Help' });
  const upload = {
    kind: 'text' as const,
    contentType: 'text/plain' as const,
    title: 'Shipping',
    content: 'We ship to Canada.',
  };
  const { id: documentId } = await addDocument(deps, { tenantId, baseId: base.id, upload, newId: 'doc_1' });
  await ingestQueued(deps);
  return { baseId: base.id, documentId };
}

async function storedModel(deps: FakeDeps, baseId: string, documentId: string): Promise<string | undefined> {
  const base = await deps.knowledge.getKnowledgeBase(TENANT, baseId);
  const uploadId = base?.indexed[documentId] ?? '';
  const bytes = await deps.blobs.get(chunkSetKey(TENANT, baseId, documentId, uploadId));
  return (JSON.parse(Buffer.from(bytes ?? []).toString('utf8')) as ChunkSet).embedding?.model;
}

async function searchesWithVectors(deps: FakeDeps, baseId: string): Promise<boolean> {
  const base = await deps.knowledge.getKnowledgeBase(TENANT, baseId);
  if (!base) throw new Error('no base');
  return (await deps.knowledgeIndex.indexOf(deps.blobs, base, deps.embedder?.model)).hasVectors;
}

describe('reindexKnowledge', () => {
  it("searches another model's passages lexically only, then re-embeds them with the current model", async () => {
    const deps = makeFakeDeps({ embedder: embedderNamed('text-embedding-3-small') });
    const { baseId, documentId } = await givenBaseEmbeddedBy(deps);
    expect(await searchesWithVectors(deps, baseId)).toBe(true);

    deps.embedder = embedderNamed('amazon.titan-embed-text-v2:0');
    const mixedBefore = await searchesWithVectors(deps, baseId);
    const queued = await reindexKnowledge(deps, TENANT, deps.embedder?.model);
    const jobs = [...deps.ingestionQueue.jobs];
    await ingestQueued(deps);

    expect(mixedBefore).toBe(false);
    expect(queued).toBe(1);
    expect(jobs).toEqual([{ tenantId: TENANT, knowledgeBaseId: baseId, documentId, uploadId: expect.any(String) }]);
    expect(await storedModel(deps, baseId, documentId)).toBe('amazon.titan-embed-text-v2:0');
    // The warm index reloads the re-embedded passages rather than reusing the old model's.
    expect(await searchesWithVectors(deps, baseId)).toBe(true);
    expect((await deps.knowledge.getDocument(TENANT, baseId, documentId))?.status).toBe('ready');
  });

  it('queues nothing when the passages are already of the current model, or when there is no embedding model (offline)', async () => {
    const deps = makeFakeDeps({ embedder: embedderNamed('amazon.titan-embed-text-v2:0') });
    await givenBaseEmbeddedBy(deps);

    const current = await reindexKnowledge(deps, TENANT, deps.embedder?.model);
    const none = await reindexKnowledge(deps, TENANT, undefined);

    expect([current, none]).toEqual([0, 0]);
    expect(deps.ingestionQueue.jobs).toEqual([]);
  });
});

const TITAN = 'amazon.titan-embed-text-v2:0';

describe('reindexForModel, the migration the stack runs after its embedding model changed', () => {
  async function givenTenantsEmbeddedBy(model: string, tenants: string[]) {
    const deps = makeFakeDeps({ embedder: embedderNamed(model) });
    for (const tenantId of tenants) await givenBaseEmbeddedBy(deps, tenantId);
    return deps;
  }

  it("queues every tenant's documents of another model, records it done for this model, and then does nothing", async () => {
    const deps = await givenTenantsEmbeddedBy('text-embedding-3-small', ['ten_a', 'ten_b']);

    const first = await reindexForModel(deps, TITAN);
    const jobs = deps.ingestionQueue.jobs.map((job) => job.tenantId).sort();
    const second = await reindexForModel(deps, TITAN);

    expect(first).toEqual({ done: true, queued: 2 });
    expect(jobs).toEqual(['ten_a', 'ten_b']);
    expect(second).toEqual({ done: true, queued: 0 });
    expect(deps.ingestionQueue.jobs).toHaveLength(2);
    expect(await deps.migrations.getMigration(knowledgeReindexName(TITAN))).toMatchObject({ done: true, migrated: 2 });
  });

  it('resumes from its saved cursor after a crash between steps, each step a bounded slice of tenants', async () => {
    const deps = await givenTenantsEmbeddedBy('text-embedding-3-small', ['ten_a', 'ten_b', 'ten_c']);
    const save = deps.migrations.saveMigration.bind(deps.migrations);
    let saves = 0;
    deps.migrations.saveMigration = async (progress) => {
      await save(progress);
      saves += 1;
      if (saves === 1) throw new Error('the function timed out');
    };

    await expect(reindexForModel(deps, TITAN, { batch: 1 })).rejects.toThrow('timed out');
    const afterCrash = deps.ingestionQueue.jobs.map((job) => job.tenantId);
    const resumed = await reindexForModel(deps, TITAN, { batch: 1 });

    expect(afterCrash).toEqual(['ten_a']);
    expect(resumed).toEqual({ done: true, queued: 2 });
    expect(deps.ingestionQueue.jobs.map((job) => job.tenantId)).toEqual(['ten_a', 'ten_b', 'ten_c']);
  });

  it(`reads ${REINDEX_SCAN_BATCH} items of the tenant scan per step unless told otherwise`, async () => {
    const deps = await givenTenantsEmbeddedBy('text-embedding-3-small', ['ten_a']);
    const scan = deps.tenants.scanTenantIds.bind(deps.tenants);
    const limits: number[] = [];
    deps.tenants.scanTenantIds = async (page) => {
      limits.push(page.limit);
      return scan(page);
    };

    await reindexForModel(deps, TITAN);

    expect(limits).toEqual([REINDEX_SCAN_BATCH]);
  });

  it('stops at its deadline and goes on at the next call', async () => {
    const deps = await givenTenantsEmbeddedBy('text-embedding-3-small', ['ten_a', 'ten_b']);

    const first = await reindexForModel(deps, TITAN, { batch: 1, deadline: 0 });
    const second = await reindexForModel(deps, TITAN, { batch: 1, deadline: 0 });

    expect(first).toEqual({ done: false, queued: 1 });
    expect(second).toEqual({ done: true, queued: 1 });
    expect(await reindexForModel(deps, TITAN, { batch: 1, deadline: 0 })).toEqual({ done: true, queued: 0 });
  });

  it('starts over for a model changed again later, and does nothing without a model (offline)', async () => {
    const deps = await givenTenantsEmbeddedBy('text-embedding-3-small', ['ten_a']);
    await reindexForModel(deps, TITAN);
    deps.embedder = embedderNamed(TITAN);
    await ingestQueued(deps);

    const offline = await reindexForModel(deps, undefined);
    const back = await reindexForModel(deps, 'text-embedding-3-small');

    expect(offline).toEqual({ done: true, queued: 0 });
    expect(back).toEqual({ done: true, queued: 1 });
  });
});
