/** Document storage (S3 in AWS, a directory locally) and the warm search indexes. */
import type { Deps } from '#lib/app/deps';
import { KnowledgeIndexCache } from '#lib/app/knowledge/knowledge-index';
import type { Config } from '#lib/config';
import { DeferredBlobStore } from '#lib/adapters/deferred-adapters';
import { FileBlobStore } from '#lib/adapters/local/file-blob-store';

export function composeKnowledge(config: Config): Pick<Deps, 'blobs' | 'knowledgeIndex'> {
  const { region, documents } = config;
  // S3 on first use: most api requests and answers of AIs without knowledge never read a document,
  // and the S3 client is the largest AWS SDK client in the bundle.
  const blobs =
    'bucket' in documents
      ? new DeferredBlobStore(async () =>
          (await import('#functions/composition/deferred/s3-blobs')).createS3BlobStore(documents.bucket, region),
        )
      : new FileBlobStore({ dir: documents.dir });
  return { blobs, knowledgeIndex: new KnowledgeIndexCache() };
}
