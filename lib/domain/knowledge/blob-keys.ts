/**
 * Where a document's blobs live. Every key starts with the tenant and the base, so deleting a
 * document or a base is one prefix delete, and one tenant's keys can never name another's.
 */

/** Everything stored for a knowledge base. */
export const basePrefix = (tenantId: string, baseId: string): string => `${tenantId}/${baseId}/`;

/** Everything stored for one document, all uploads. */
export const documentPrefix = (tenantId: string, baseId: string, documentId: string): string =>
  `${basePrefix(tenantId, baseId)}${documentId}/`;

/** The original bytes of one upload, kept so a base can be re-indexed (a new embedding model, a better parser). */
export const originalKey = (tenantId: string, baseId: string, documentId: string, uploadId: string): string =>
  `${documentPrefix(tenantId, baseId, documentId)}${uploadId}/original`;

/** The passages (and embeddings) of one upload: a ChunkSet as JSON. */
export const chunkSetKey = (tenantId: string, baseId: string, documentId: string, uploadId: string): string =>
  `${documentPrefix(tenantId, baseId, documentId)}${uploadId}/chunks.json`;
