/**
 * Document originals and passages in an S3 bucket. Keys are used as they are: the blob-key
 * helpers (lib/domain/knowledge/blob-keys.ts) already start each one with the tenant and the base.
 */
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import type { BlobStore } from '#lib/ports/knowledge';

/** The most keys one DeleteObjects request may name. */
export const DELETE_OBJECTS_BATCH_SIZE = 1_000;

export class S3BlobStore implements BlobStore {
  private readonly bucket: string;
  private readonly client: S3Client;

  constructor(options: { bucket: string; client?: S3Client }) {
    this.bucket = options.bucket;
    this.client = options.client ?? new S3Client({});
  }

  async put(key: string, body: Uint8Array, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }

  /**
   * The blob's bytes, or undefined if there is none. S3 answers a missing key with NoSuchKey only
   * to a caller allowed s3:ListBucket (AccessDenied otherwise), so readers are granted it too.
   */
  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const { Body } = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!Body) throw new Error(`S3 returned no body for key "${key}"`);
      return await Body.transformToByteArray();
    } catch (error) {
      if (isNoSuchKey(error)) return undefined;
      throw error;
    }
  }

  /**
   * Lists the keys under `prefix` page by page and deletes them in batches of at most 1,000 (what
   * DeleteObjects accepts). Throws if S3 refuses any key, so the caller's retry deletes the rest.
   * An empty prefix is refused: it would name every tenant's documents.
   */
  async deletePrefix(prefix: string): Promise<void> {
    if (prefix === '') throw new Error('refusing to delete with an empty prefix: it would delete every blob');
    let batch: string[] = [];
    const pages = paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: prefix });
    for await (const page of pages) {
      for (const { Key } of page.Contents ?? []) {
        if (Key === undefined) continue;
        batch.push(Key);
        if (batch.length === DELETE_OBJECTS_BATCH_SIZE) {
          await this.deleteKeys(batch);
          batch = [];
        }
      }
    }
    if (batch.length > 0) await this.deleteKeys(batch);
  }

  private async deleteKeys(keys: string[]): Promise<void> {
    const { Errors } = await this.client.send(
      new DeleteObjectsCommand({
        Bucket: this.bucket,
        // Quiet: the response lists only the keys that failed.
        Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
      }),
    );
    if (Errors && Errors.length > 0) {
      const [first] = Errors;
      throw new Error(
        `S3 did not delete ${Errors.length} of ${keys.length} objects (first: ${first?.Key}: ${first?.Code} ${first?.Message})`,
      );
    }
  }
}

/** Matched on the name too: a client from another copy of the SDK throws another class. */
function isNoSuchKey(error: unknown): boolean {
  return error instanceof NoSuchKey || (error instanceof Error && error.name === 'NoSuchKey');
}
