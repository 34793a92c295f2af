import {
  CopyObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { type IamProxy, startIamProxy } from '#test/deployed/support/iam/iam-proxy';
import { type TestS3, startTestS3 } from '#test/support/s3rver';

const ENV = { accountId: '000000000000', region: 'us-east-1', partition: 'aws' };
const CALLER = 'arn:aws:sts::000000000000:assumed-role/parley-IngesterRole/parley-ingester';

let s3: TestS3;
let proxy: IamProxy;
let ingester: S3Client;
let bucketArn: string;

beforeAll(async () => {
  s3 = await startTestS3({ bucket: 'parley-docs' });
  bucketArn = `arn:aws:s3:::${s3.bucket}`;
  proxy = await startIamProxy({
    service: 's3',
    target: s3.endpoint,
    environment: ENV,
    upstreamAccessKeyId: 'S3RVER',
    principals: [
      {
        accessKeyId: 'AKIAINGESTER',
        name: 'parley-ingester',
        roleArn: 'arn:aws:iam::000000000000:role/parley-IngesterRole',
        policies: [
          {
            name: 'IngesterRoleDefaultPolicy',
            document: {
              Statement: [
                {
                  Effect: 'Allow',
                  Action: ['s3:GetObject*', 's3:PutObject', 's3:DeleteObject*'],
                  Resource: `${bucketArn}/kb/*`,
                },
                { Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArn },
              ],
            },
          },
        ],
      },
    ],
  });
  ingester = new S3Client({
    endpoint: proxy.endpoint,
    region: ENV.region,
    forcePathStyle: true,
    credentials: { accessKeyId: 'AKIAINGESTER', secretAccessKey: 'x' },
  });
  await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'private/key.txt', Body: 'secret' }));
});

afterAll(async () => {
  ingester.destroy();
  await proxy.stop();
  await s3.stop();
});

beforeEach(() => proxy.clearDecisions());

describe('the IAM proxy in front of s3rver', () => {
  it('forwards writes, reads and lists the role allows', async () => {
    await ingester.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'kb/a b.txt', Body: 'hello' }));

    const read = await ingester.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'kb/a b.txt' }));
    const listed = await ingester.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'kb/' }));

    expect(await read.Body?.transformToString()).toBe('hello');
    expect(listed.Contents?.map((object) => object.Key)).toEqual(['kb/a b.txt']);
    expect(
      proxy.decisions.map(({ principal, action, resource, allowed }) => ({ principal, action, resource, allowed })),
    ).toEqual([
      { principal: 'parley-ingester', action: 's3:PutObject', resource: `${bucketArn}/kb/a b.txt`, allowed: true },
      { principal: 'parley-ingester', action: 's3:GetObject', resource: `${bucketArn}/kb/a b.txt`, allowed: true },
      { principal: 'parley-ingester', action: 's3:ListBucket', resource: bucketArn, allowed: true },
    ]);
  });

  it('refuses a read outside the role with S3’s AccessDenied', async () => {
    const error = await ingester
      .send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'private/key.txt' }))
      .catch((e) => e);

    expect(error).toMatchObject({
      name: 'AccessDenied',
      message: `User: ${CALLER} is not authorized to perform: s3:GetObject on resource: "${bucketArn}/private/key.txt" because no identity-based policy allows the s3:GetObject action`,
      $metadata: { httpStatusCode: 403 },
    });
    expect(proxy.decisions).toEqual([
      {
        principal: 'parley-ingester',
        action: 's3:GetObject',
        resource: `${bucketArn}/private/key.txt`,
        allowed: false,
        reason: `no identity-based policy allows s3:GetObject on ${bucketArn}/private/key.txt`,
      },
    ]);
  });

  it('refuses a HEAD outside the role with a bodiless 403, as S3 does', async () => {
    const error = await ingester
      .send(new HeadObjectCommand({ Bucket: s3.bucket, Key: 'private/key.txt' }))
      .catch((e) => e);

    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(proxy.denied().map((decision) => decision.action)).toEqual(['s3:GetObject']);
  });

  it('refuses a copy whose source is outside the role', async () => {
    const copy = new CopyObjectCommand({
      Bucket: s3.bucket,
      Key: 'kb/copied.txt',
      CopySource: `${s3.bucket}/private/key.txt`,
    });

    const error = await ingester.send(copy).catch((e) => e);

    expect(error.name).toBe('AccessDenied');
    expect(proxy.decisions.map(({ action, resource, allowed }) => ({ action, resource, allowed }))).toEqual([
      { action: 's3:PutObject', resource: `${bucketArn}/kb/copied.txt`, allowed: true },
      { action: 's3:GetObject', resource: `${bucketArn}/private/key.txt`, allowed: false },
    ]);
  });

  it('refuses a multi-object delete when one key is outside the role, deleting none', async () => {
    await ingester.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'kb/keep.txt', Body: 'x' }));
    proxy.clearDecisions();

    const error = await ingester
      .send(
        new DeleteObjectsCommand({
          Bucket: s3.bucket,
          Delete: { Objects: [{ Key: 'kb/keep.txt' }, { Key: 'private/key.txt' }] },
        }),
      )
      .catch((e) => e);

    expect(error.name).toBe('AccessDenied');
    expect(proxy.decisions.map(({ resource, allowed }) => ({ resource, allowed }))).toEqual([
      { resource: `${bucketArn}/kb/keep.txt`, allowed: true },
      { resource: `${bucketArn}/private/key.txt`, allowed: false },
    ]);
    const kept = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: 'kb/keep.txt' }));
    expect(kept.ContentLength).toBe(1);
  });

  it('answers an access key no principal holds with InvalidAccessKeyId', async () => {
    const stranger = new S3Client({
      endpoint: proxy.endpoint,
      region: ENV.region,
      forcePathStyle: true,
      credentials: { accessKeyId: 'AKIASTRANGER', secretAccessKey: 'x' },
    });

    const error = await stranger.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'kb/a b.txt' })).catch((e) => e);
    stranger.destroy();

    expect(error).toMatchObject({ name: 'InvalidAccessKeyId', $metadata: { httpStatusCode: 403 } });
  });
});
