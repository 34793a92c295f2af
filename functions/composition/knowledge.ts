/** Document storage (S3 in AWS, a directory locally) and the warm search indexes. */
import { S3Client } from '@aws-sdk/client-s3';
import type { Deps } from '#lib/app/deps';
import { KnowledgeIndexCache } from '#lib/app/knowledge/knowledge-index';
import type { Config } from '#lib/config';
import { S3BlobStore } from '#lib/adapters/aws/s3-blob-store';
import { FileBlobStore } from '#lib/adapters/local/file-blob-store';

export function composeKnowledge(config: Config): Pick<Deps, 'blobs' | 'knowledgeIndex'> {
  const blobs =
    'bucket' in config.documents
      ? new S3BlobStore({ bucket: config.documents.bucket, client: new S3Client({ region: config.region }) })
      : new FileBlobStore({ dir: config.documents.dir });
  return { blobs, knowledgeIndex: new KnowledgeIndexCache() };
}
