import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { TABLE_KEYS } from '#lib/adapters/aws/table-definition';
import { type IamProxy, startIamProxy } from '#test/deployed/support/iam/iam-proxy';
import { type RunningDynalite, createTestTable, startDynalite } from '#test/support/dynalite';

const ENV = { accountId: '000000000000', region: 'us-east-1', partition: 'aws' };
const ROLE_ARN = 'arn:aws:iam::000000000000:role/parley-ReplyFunctionRole-ABC';
const CALLER = 'arn:aws:sts::000000000000:assumed-role/parley-ReplyFunctionRole-ABC/parley-reply';

let dynalite: RunningDynalite;
let proxy: IamProxy;
let tableName: string;
let otherTable: string;
let tableArn: string;
let reply: DynamoDBDocumentClient;

function documentClient(accessKeyId: string): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: proxy.endpoint,
      region: ENV.region,
      credentials: { accessKeyId, secretAccessKey: 'x' },
    }),
  );
}

beforeAll(async () => {
  dynalite = await startDynalite();
  tableName = await createTestTable(dynalite.client);
  otherTable = await createTestTable(dynalite.client);
  tableArn = `arn:aws:dynamodb:us-east-1:000000000000:table/${tableName}`;
  proxy = await startIamProxy({
    service: 'dynamodb',
    target: dynalite.endpoint,
    environment: ENV,
    partitionKeyOf: () => TABLE_KEYS.partitionKey,
    principals: [
      {
        accessKeyId: 'AKIAREPLY',
        name: 'parley-reply',
        roleArn: ROLE_ARN,
        policies: [
          {
            name: 'ReplyFunctionRoleDefaultPolicy',
            document: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
                  Resource: tableArn,
                },
                {
                  Effect: 'Allow',
                  Action: 'dynamodb:UpdateItem',
                  Resource: tableArn,
                  Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['conv#*'] } },
                },
              ],
            },
          },
        ],
      },
    ],
  });
  reply = documentClient('AKIAREPLY');
});

afterAll(async () => {
  reply.destroy();
  await proxy.stop();
  await dynalite.stop();
});

beforeEach(() => proxy.clearDecisions());

describe('the IAM proxy in front of dynalite', () => {
  it('forwards calls the role allows and records each decision', async () => {
    await reply.send(new PutCommand({ TableName: tableName, Item: { pk: 'conv#1', sk: 'meta', status: 'open' } }));

    const { Item } = await reply.send(new GetCommand({ TableName: tableName, Key: { pk: 'conv#1', sk: 'meta' } }));

    expect(Item).toEqual({ pk: 'conv#1', sk: 'meta', status: 'open' });
    expect(proxy.decisions).toEqual([
      {
        principal: 'parley-reply',
        action: 'dynamodb:PutItem',
        resource: tableArn,
        allowed: true,
        reason: `dynamodb:PutItem on ${tableArn} is allowed by ReplyFunctionRoleDefaultPolicy statement 0`,
      },
      {
        principal: 'parley-reply',
        action: 'dynamodb:GetItem',
        resource: tableArn,
        allowed: true,
        reason: `dynamodb:GetItem on ${tableArn} is allowed by ReplyFunctionRoleDefaultPolicy statement 0`,
      },
    ]);
  });

  it('refuses a call outside the role with the AccessDeniedException AWS raises, and leaves the item', async () => {
    await reply.send(new PutCommand({ TableName: tableName, Item: { pk: 'conv#2', sk: 'meta' } }));
    proxy.clearDecisions();

    const error = await reply
      .send(new DeleteCommand({ TableName: tableName, Key: { pk: 'conv#2', sk: 'meta' } }))
      .catch((e) => e);

    expect(error).toMatchObject({
      name: 'AccessDeniedException',
      message: `User: ${CALLER} is not authorized to perform: dynamodb:DeleteItem on resource: ${tableArn} because no identity-based policy allows the dynamodb:DeleteItem action`,
      $metadata: { httpStatusCode: 400 },
    });
    expect(proxy.decisions).toEqual([
      {
        principal: 'parley-reply',
        action: 'dynamodb:DeleteItem',
        resource: tableArn,
        allowed: false,
        reason: `no identity-based policy allows dynamodb:DeleteItem on ${tableArn}`,
      },
    ]);
    const stored = await dynalite.client.send(
      new GetCommand({ TableName: tableName, Key: { pk: 'conv#2', sk: 'meta' } }),
    );
    expect(stored.Item).toBeDefined();
  });

  it('does not let a grant on the table reach its index', async () => {
    const query = new QueryCommand({
      TableName: tableName,
      IndexName: TABLE_KEYS.gsi1.indexName,
      KeyConditionExpression: 'gsi1pk = :k',
      ExpressionAttributeValues: { ':k': 'x' },
    });

    const error = await reply.send(query).catch((e) => e);

    expect(error.name).toBe('AccessDeniedException');
    expect(proxy.denied()).toEqual([expect.objectContaining({ resource: `${tableArn}/index/gsi1` })]);
  });

  it('refuses a whole transaction when one item is outside the role, before it reaches the table', async () => {
    const transaction = new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: tableName, Item: { pk: 'conv#3', sk: 'meta' } } },
        { Put: { TableName: otherTable, Item: { pk: 'conv#3', sk: 'meta' } } },
      ],
    });

    const error = await reply.send(transaction).catch((e) => e);

    expect(error.name).toBe('AccessDeniedException');
    expect(proxy.decisions.map(({ action, resource, allowed }) => ({ action, resource, allowed }))).toEqual([
      { action: 'dynamodb:PutItem', resource: tableArn, allowed: true },
      {
        action: 'dynamodb:PutItem',
        resource: `arn:aws:dynamodb:us-east-1:000000000000:table/${otherTable}`,
        allowed: false,
      },
    ]);
    const stored = await dynalite.client.send(
      new GetCommand({ TableName: tableName, Key: { pk: 'conv#3', sk: 'meta' } }),
    );
    expect(stored.Item).toBeUndefined();
  });

  it('holds an update to the partition keys its condition allows', async () => {
    const update = (pk: string) =>
      reply.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk, sk: 'meta' },
          UpdateExpression: 'SET n = :n',
          ExpressionAttributeValues: { ':n': 1 },
        }),
      );

    await update('conv#4');
    const error = await update('apikey#4').catch((e) => e);

    expect(error.name).toBe('AccessDeniedException');
    expect(proxy.decisions.map(({ action, allowed }) => ({ action, allowed }))).toEqual([
      { action: 'dynamodb:UpdateItem', allowed: true },
      { action: 'dynamodb:UpdateItem', allowed: false },
    ]);
  });

  it('answers an access key no principal holds with UnrecognizedClientException', async () => {
    const stranger = documentClient('AKIASTRANGER');

    const error = await stranger
      .send(new GetCommand({ TableName: tableName, Key: { pk: 'conv#1', sk: 'meta' } }))
      .catch((e) => e);
    stranger.destroy();

    expect(error).toMatchObject({ name: 'UnrecognizedClientException', $metadata: { httpStatusCode: 400 } });
    expect(proxy.denied()).toEqual([
      {
        principal: 'unknown:AKIASTRANGER',
        action: 'dynamodb:GetItem',
        resource: tableArn,
        allowed: false,
        reason: 'no principal holds access key id AKIASTRANGER',
      },
    ]);
  });
});
