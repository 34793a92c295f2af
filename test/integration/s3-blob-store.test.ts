import { randomUUID } from 'node:crypto';
import {
  CreateBucketCommand,
  type DeleteObjectsCommandInput,
  HeadObjectCommand,
  ListObjectsV2Command,
} from '@aws-sdk/client-s3';
import { DELETE_OBJECTS_BATCH_SIZE, S3BlobStore } from '#lib/adapters/aws/s3-blob-store';
import { describeBlobStoreContract } from '#test/support/blob-store-contract';
import { startTestS3, type TestS3 } from '#test/support/s3rver';

let s3: TestS3;
beforeAll(async () => {
  s3 = await startTestS3();
});
afterAll(async () => {
  await s3?.stop();
});

/** A bucket no other test uses (buckets live as long as the server). */
async function freshBucket(): Promise<string> {
  const bucket = `parley-${randomUUID()}`;
  await s3.client.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

// s3rver tears an object written by concurrent PUTs (it seldom shows, under load); S3 does not.
describeBlobStoreContract(
  'S3BlobStore',
  async () => ({
    blobs: new S3BlobStore({ bucket: await freshBucket(), client: s3.client }),
    teardown: async () => undefined,
  }),
  { serverWritesAtomically: false },
);

describe('S3BlobStore', () => {
  it('stores the content type given', async () => {
    const bucket = await freshBucket();
    const blobs = new S3BlobStore({ bucket, client: s3.client });

    await blobs.put('ten_1/doc.pdf', new Uint8Array([37, 80, 68, 70]), 'application/pdf');

    const head = await s3.client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'ten_1/doc.pdf' }));
    expect(head).toMatchObject({ ContentType: 'application/pdf', ContentLength: 4 });
  });

  it('deletes more than one page of blobs, at most a thousand keys a request', async () => {
    const bucket = await freshBucket();
    const blobs = new S3BlobStore({ bucket, client: s3.client });
    const keys = Array.from({ length: DELETE_OBJECTS_BATCH_SIZE + 5 }, (_, i) => `ten_1/kb_1/doc_${i}`);
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(keys.slice(i, i + 50).map((key) => blobs.put(key, new Uint8Array([1]), 'text/plain')));
    }
    await blobs.put('ten_1/kb_2/doc_0', new Uint8Array([2]), 'text/plain');
    const batches: number[] = [];
    s3.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'DeleteObjectsCommand') {
          batches.push((args.input as DeleteObjectsCommandInput).Delete?.Objects?.length ?? 0);
        }
        return next(args);
      },
      { step: 'initialize', name: 'countDeleteBatches' },
    );

    try {
      await blobs.deletePrefix('ten_1/kb_1/');
    } finally {
      s3.client.middlewareStack.remove('countDeleteBatches');
    }

    const { Contents = [] } = await s3.client.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(batches).toEqual([DELETE_OBJECTS_BATCH_SIZE, 5]);
    expect(Contents.map((object) => object.Key)).toEqual(['ten_1/kb_2/doc_0']);
  }, 60_000);

  it('reports an S3 failure other than a missing key', async () => {
    const blobs = new S3BlobStore({ bucket: `missing-${randomUUID()}`, client: s3.client });

    await expect(blobs.get('ten_1/doc')).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });
});
