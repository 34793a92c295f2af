/** Document storage (S3) and the warm search indexes. */
import type { Deps } from '#lib/app/deps';
import { KnowledgeIndexCache } from '#lib/app/knowledge/knowledge-index';
import { type Config, ENV } from '#lib/config';
import { DeferredBlobStore } from '#lib/adapters/deferred-adapters';

export function composeKnowledge(config: Config): Pick<Deps, 'blobs' | 'knowledgeIndex'> {
  const { region, documents } = config;
  // A directory is the local runtime's storage (local/composition.ts), never a function's.
  if (!('bucket' in documents)) {
    throw new Error(`invalid configuration: the functions keep documents in S3; set ${ENV.documentsBucket}`);
  }
  // S3 on first use: most api requests and answers of AIs without knowledge never read a document,
  // and the S3 client is the largest AWS SDK client in the bundle.
  const blobs = new DeferredBlobStore(async () =>
    (await import('#functions/composition/deferred/s3-blobs')).createS3BlobStore(documents.bucket, region),
  );
  return { blobs, knowledgeIndex: new KnowledgeIndexCache() };
}
