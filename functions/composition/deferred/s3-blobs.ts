/**
 * Imported on first use by composeKnowledge (knowledge.ts). A module of its own, imported whole,
 * because esbuild keeps every export of a dynamically imported module: importing the SDK package
 * itself that way would bundle every S3 command instead of the few the store uses.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { S3BlobStore } from '#lib/adapters/aws/s3-blob-store';
import type { BlobStore } from '#lib/ports/knowledge';

export function createS3BlobStore(bucket: string, region: string): BlobStore {
  return new S3BlobStore({ bucket, client: new S3Client({ region }) });
}
