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
import { chunkSetKey } from '#lib/domain/knowledge/blob-keys';
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

async function givenBaseEmbeddedBy(deps: FakeDeps) {
  const base = await createKnowledgeBase(deps, { tenantId: TENANT, id: 'kb_1', name: 'Help' });
  const upload = {
    kind: 'text' as const,
    contentType: 'text/plain' as const,
    title: 'Shipping',
    content: 'We ship to Canada.',
  };
  const { id: documentId } = await addDocument(deps, { tenantId: TENANT, baseId: base.id, upload, newId: 'doc_1' });
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
    const queued = await reindexKnowledge(deps, TENANT);
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

  it('queues nothing when the passages are already of the current model, or when there is no embedder', async () => {
    const deps = makeFakeDeps({ embedder: embedderNamed('amazon.titan-embed-text-v2:0') });
    await givenBaseEmbeddedBy(deps);

    const current = await reindexKnowledge(deps, TENANT);
    deps.embedder = undefined;
    const none = await reindexKnowledge(deps, TENANT);

    expect([current, none]).toEqual([0, 0]);
    expect(deps.ingestionQueue.jobs).toEqual([]);
  });
});
