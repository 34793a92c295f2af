/** A tenant with one base and one indexed document whose chunk set was embedded by `model`, for re-index tests. */
import type { Deps } from '#lib/app/deps';
import { chunkSetKey } from '#lib/domain/knowledge/blob-keys';
import type { ChunkSet } from '#lib/domain/knowledge/types';
import { aKnowledgeBase, aTenant, at } from '#test/support/store-contracts/fixtures';

export async function seedDocumentEmbeddedBy(
  deps: Pick<Deps, 'tenants' | 'knowledge' | 'blobs'>,
  tenantId: string,
  model: string,
): Promise<void> {
  await deps.tenants.ensureTenant(aTenant({ id: tenantId }));
  await deps.knowledge.createKnowledgeBase(aKnowledgeBase({ tenantId }));
  await deps.knowledge.startUpload(tenantId, 'kb_01', 'doc_01', 'upl_01', at(1));
  await deps.knowledge.markIndexed(tenantId, 'kb_01', 'doc_01', 'upl_01', at(2));
  const set: ChunkSet = {
    documentId: 'doc_01',
    uploadId: 'upl_01',
    title: 'Shipping',
    chunks: [],
    embedding: { model, dimensions: 256, vectors: [] },
  };
  const key = chunkSetKey(tenantId, 'kb_01', 'doc_01', 'upl_01');
  await deps.blobs.put(key, Buffer.from(JSON.stringify(set)), 'application/json');
}
