import {
  CreateQueueCommand,
  GetQueueUrlCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
  SendMessageBatchCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { type IamProxy, startIamProxy } from '#test/deployed/support/iam/iam-proxy';
import { type TestSqs, startTestSqs, uniqueQueueName } from '#test/support/fauxqs';

// fauxqs puts account 000000000000 in its queue URLs, so the stack's ARNs use it too.
const ENV = { accountId: '000000000000', region: 'us-east-1', partition: 'aws' };

let sqs: TestSqs;
let proxy: IamProxy;
let queueName: string;
let deliveriesUrl: string;
let upstreamUrl: string;
let deliveriesArn: string;
let sender: SQSClient;
const savedEndpoint = process.env.AWS_ENDPOINT_URL_SQS;

beforeAll(async () => {
  sqs = await startTestSqs();
  queueName = uniqueQueueName('deliveries');
  // The harness creates the stack's queues on fauxqs directly, as here.
  ({ QueueUrl: upstreamUrl = '' } = await sqs.client.send(new CreateQueueCommand({ QueueName: queueName })));
  deliveriesArn = `arn:aws:sqs:us-east-1:000000000000:${queueName}`;
  proxy = await startIamProxy({
    service: 'sqs',
    target: sqs.endpoint,
    environment: ENV,
    rewriteHost: true,
    upstreamQueueOrigin: new URL(upstreamUrl).origin,
    principals: [
      {
        accessKeyId: 'AKIASENDER',
        name: 'parley-reply',
        roleArn: 'arn:aws:iam::000000000000:role/parley-ReplyRole',
        policies: [
          {
            name: 'ReplyRoleDefaultPolicy',
            document: {
              Statement: [{ Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:GetQueueUrl'], Resource: deliveriesArn }],
            },
          },
        ],
      },
    ],
  });
  deliveriesUrl = proxy.queueUrlFor(upstreamUrl);
  // As the deployed functions do: the endpoint from the environment, not the client's config. The
  // SDK then sends each call to its QueueUrl's origin, which must be the proxy's.
  process.env.AWS_ENDPOINT_URL_SQS = proxy.endpoint;
  sender = new SQSClient({ region: ENV.region, credentials: { accessKeyId: 'AKIASENDER', secretAccessKey: 'x' } });
});

afterAll(async () => {
  if (savedEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL_SQS;
  else process.env.AWS_ENDPOINT_URL_SQS = savedEndpoint;
  sender.destroy();
  await proxy.stop();
  await sqs.stop();
});

beforeEach(() => proxy.clearDecisions());

describe('the IAM proxy in front of fauxqs', () => {
  it('hands out queue URLs on its own origin, so calls to them come back through it', async () => {
    const { QueueUrl } = await sender.send(new GetQueueUrlCommand({ QueueName: queueName }));

    expect(QueueUrl).toBe(`${proxy.endpoint}/000000000000/${queueName}`);
    expect(QueueUrl).toBe(deliveriesUrl);
    expect(proxy.decisions).toEqual([
      expect.objectContaining({ action: 'sqs:GetQueueUrl', resource: deliveriesArn, allowed: true }),
    ]);
  });

  it('forwards a send the role allows, single or batched, and records it as sqs:SendMessage', async () => {
    await sender.send(new SendMessageCommand({ QueueUrl: deliveriesUrl, MessageBody: 'one' }));
    await sender.send(
      new SendMessageBatchCommand({
        QueueUrl: deliveriesUrl,
        Entries: [
          { Id: 'a', MessageBody: 'two' },
          { Id: 'b', MessageBody: 'three' },
        ],
      }),
    );

    const { Messages = [] } = await sqs.client.send(
      new ReceiveMessageCommand({
        QueueUrl: upstreamUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
      }),
    );
    expect(Messages.map((message) => message.Body).sort()).toEqual(['one', 'three', 'two']);
    expect(proxy.decisions).toEqual([
      expect.objectContaining({
        principal: 'parley-reply',
        action: 'sqs:SendMessage',
        resource: deliveriesArn,
        allowed: true,
      }),
      expect.objectContaining({
        principal: 'parley-reply',
        action: 'sqs:SendMessage',
        resource: deliveriesArn,
        allowed: true,
      }),
    ]);
  });

  it('refuses a receive outside the role with the AccessDenied error the SDK raises for SQS', async () => {
    const error = await sender
      .send(new ReceiveMessageCommand({ QueueUrl: deliveriesUrl, WaitTimeSeconds: 0 }))
      .catch((e) => e);

    expect(error).toMatchObject({
      name: 'AccessDenied',
      message: `User: arn:aws:sts::000000000000:assumed-role/parley-ReplyRole/parley-reply is not authorized to perform: sqs:receivemessage on resource: ${deliveriesArn} because no identity-based policy allows the sqs:receivemessage action`,
      $metadata: { httpStatusCode: 403 },
    });
    expect(proxy.decisions).toEqual([
      {
        principal: 'parley-reply',
        action: 'sqs:ReceiveMessage',
        resource: deliveriesArn,
        allowed: false,
        reason: `no identity-based policy allows sqs:ReceiveMessage on ${deliveriesArn}`,
      },
    ]);
  });

  it('refuses a delete outside the role whatever the receipt handle', async () => {
    const error = await sender
      .send(new DeleteMessageCommand({ QueueUrl: deliveriesUrl, ReceiptHandle: 'handle' }))
      .catch((e) => e);

    expect(error.name).toBe('AccessDenied');
    expect(proxy.denied().map((decision) => decision.action)).toEqual(['sqs:DeleteMessage']);
  });
});
