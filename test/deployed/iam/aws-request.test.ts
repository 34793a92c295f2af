import {
  type AwsEnvironment,
  type AwsHttpRequest,
  type AwsService,
  describeAwsRequest,
} from '#test/deployed/support/iam/aws-request';

const ENV: AwsEnvironment = { accountId: '123456789012', region: 'eu-west-1', partition: 'aws' };
const TABLE = 'arn:aws:dynamodb:eu-west-1:123456789012:table/parley';

function http(
  service: AwsService,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string | object } = {},
): AwsHttpRequest {
  const body =
    options.body === undefined ? '' : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  return { service, method, path, headers: { host: '127.0.0.1:4000', ...options.headers }, body: Buffer.from(body) };
}

const json = (service: AwsService, target: string, body: object) =>
  http(service, 'POST', '/', { headers: { 'x-amz-target': target }, body });

function checksOf(request: AwsHttpRequest, options = {}) {
  return describeAwsRequest(request, ENV, options).map(({ action, resource, context, unrecognised }) =>
    unrecognised
      ? { action, unrecognised }
      : Object.keys(context).length
        ? { action, resource, context }
        : { action, resource },
  );
}

describe('describeAwsRequest', () => {
  describe('DynamoDB', () => {
    const dynamo = (op: string, body: object) => json('dynamodb', `DynamoDB_20120810.${op}`, body);

    it('checks an item call on its table', () => {
      expect(checksOf(dynamo('PutItem', { TableName: 'parley', Item: { pk: { S: 'a' } } }))).toEqual([
        { action: 'dynamodb:PutItem', resource: TABLE },
      ]);
    });

    it('checks a Query on an index against the index’s ARN', () => {
      expect(checksOf(dynamo('Query', { TableName: 'parley', IndexName: 'byEmail' }))).toEqual([
        { action: 'dynamodb:Query', resource: `${TABLE}/index/byEmail` },
      ]);
    });

    it('checks a batch once per table', () => {
      const body = {
        RequestItems: {
          parley: [{ PutRequest: { Item: {} } }, { DeleteRequest: { Key: {} } }],
          other: [{ PutRequest: { Item: {} } }],
        },
      };

      expect(checksOf(dynamo('BatchWriteItem', body))).toEqual([
        { action: 'dynamodb:BatchWriteItem', resource: TABLE },
        { action: 'dynamodb:BatchWriteItem', resource: 'arn:aws:dynamodb:eu-west-1:123456789012:table/other' },
      ]);
    });

    it('checks each transaction item with its own action', () => {
      const body = {
        TransactItems: [
          { Put: { TableName: 'parley', Item: {} } },
          { Update: { TableName: 'parley', Key: {} } },
          { ConditionCheck: { TableName: 'other', Key: {} } },
          { Put: { TableName: 'parley', Item: {} } },
        ],
      };

      expect(checksOf(dynamo('TransactWriteItems', body))).toEqual([
        { action: 'dynamodb:PutItem', resource: TABLE },
        { action: 'dynamodb:UpdateItem', resource: TABLE },
        { action: 'dynamodb:ConditionCheckItem', resource: 'arn:aws:dynamodb:eu-west-1:123456789012:table/other' },
      ]);
    });

    it('gives item calls dynamodb:LeadingKeys when the partition key is known', () => {
      const partitionKeyOf = () => 'pk';

      expect(
        checksOf(dynamo('GetItem', { TableName: 'parley', Key: { pk: { S: 'conv#1' }, sk: { S: 'm' } } }), {
          partitionKeyOf,
        }),
      ).toEqual([{ action: 'dynamodb:GetItem', resource: TABLE, context: { 'dynamodb:LeadingKeys': ['conv#1'] } }]);
      const query = {
        TableName: 'parley',
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :sk)',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
        ExpressionAttributeValues: { ':pk': { S: 'conv#2' }, ':sk': { S: 'msg' } },
      };
      expect(checksOf(dynamo('Query', query), { partitionKeyOf })).toEqual([
        { action: 'dynamodb:Query', resource: TABLE, context: { 'dynamodb:LeadingKeys': ['conv#2'] } },
      ]);
    });

    it('marks a call it cannot read as unrecognised', () => {
      expect(checksOf(dynamo('ExecuteStatement', { Statement: 'SELECT * FROM parley' }))).toEqual([
        { action: 'unknown:dynamodb:ExecuteStatement', unrecognised: 'no table named in ExecuteStatement' },
      ]);
      expect(checksOf(http('dynamodb', 'POST', '/', { body: '{}' }))[0]).toMatchObject({ action: 'unknown:dynamodb' });
    });
  });

  describe('SQS', () => {
    const QUEUE_URL = 'http://127.0.0.1:4001/000000000000/deliveries';
    const QUEUE_ARN = 'arn:aws:sqs:eu-west-1:000000000000:deliveries';

    it('reads the JSON protocol, taking the account and name from the QueueUrl', () => {
      expect(checksOf(json('sqs', 'AmazonSQS.SendMessage', { QueueUrl: QUEUE_URL, MessageBody: 'x' }))).toEqual([
        { action: 'sqs:SendMessage', resource: QUEUE_ARN },
      ]);
    });

    it('reads the query protocol from a form body', () => {
      const body = `Action=ReceiveMessage&QueueUrl=${encodeURIComponent(QUEUE_URL)}&Version=2012-11-05`;
      const request = http('sqs', 'POST', '/', {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });

      expect(checksOf(request)).toEqual([{ action: 'sqs:ReceiveMessage', resource: QUEUE_ARN }]);
    });

    it('authorises batch calls as their single-message action', () => {
      const entries = { QueueUrl: QUEUE_URL, Entries: [] };

      expect(checksOf(json('sqs', 'AmazonSQS.SendMessageBatch', entries))[0]?.action).toBe('sqs:SendMessage');
      expect(checksOf(json('sqs', 'AmazonSQS.DeleteMessageBatch', entries))[0]?.action).toBe('sqs:DeleteMessage');
      expect(checksOf(json('sqs', 'AmazonSQS.ChangeMessageVisibilityBatch', entries))[0]?.action).toBe(
        'sqs:ChangeMessageVisibility',
      );
    });

    it('resolves GetQueueUrl by QueueName in the deployment’s account', () => {
      expect(checksOf(json('sqs', 'AmazonSQS.GetQueueUrl', { QueueName: 'deliveries' }))).toEqual([
        { action: 'sqs:GetQueueUrl', resource: 'arn:aws:sqs:eu-west-1:123456789012:deliveries' },
      ]);
    });
  });

  describe('S3', () => {
    const BUCKET = 'arn:aws:s3:::parley-docs';

    it('maps object reads, writes and deletes on the URL-decoded key', () => {
      expect(checksOf(http('s3', 'GET', '/parley-docs/a%20b/c.pdf?x-id=GetObject'))).toEqual([
        { action: 's3:GetObject', resource: `${BUCKET}/a b/c.pdf` },
      ]);
      expect(checksOf(http('s3', 'HEAD', '/parley-docs/k'))).toEqual([
        { action: 's3:GetObject', resource: `${BUCKET}/k` },
      ]);
      expect(checksOf(http('s3', 'PUT', '/parley-docs/k?x-id=PutObject'))).toEqual([
        { action: 's3:PutObject', resource: `${BUCKET}/k` },
      ]);
      expect(checksOf(http('s3', 'DELETE', '/parley-docs/k'))).toEqual([
        { action: 's3:DeleteObject', resource: `${BUCKET}/k` },
      ]);
    });

    it('checks a copy’s read of its source as well as its write', () => {
      const request = http('s3', 'PUT', '/parley-docs/copy', { headers: { 'x-amz-copy-source': '/other/src%2Bfile' } });

      expect(checksOf(request)).toEqual([
        { action: 's3:PutObject', resource: `${BUCKET}/copy` },
        { action: 's3:GetObject', resource: 'arn:aws:s3:::other/src+file' },
      ]);
    });

    it('maps listing to s3:ListBucket on the bucket, with the prefix in the context', () => {
      expect(checksOf(http('s3', 'GET', '/parley-docs?list-type=2&prefix=kb%2F'))).toEqual([
        { action: 's3:ListBucket', resource: BUCKET, context: { 's3:prefix': 'kb/' } },
      ]);
      expect(checksOf(http('s3', 'GET', '/parley-docs/'))).toEqual([{ action: 's3:ListBucket', resource: BUCKET }]);
    });

    it('checks a multi-object delete on each key', () => {
      const body =
        '<Delete><Object><Key>a&amp;b</Key></Object><Object><Key>c</Key><VersionId>1</VersionId></Object></Delete>';

      expect(checksOf(http('s3', 'POST', '/parley-docs?delete', { body }))).toEqual([
        { action: 's3:DeleteObject', resource: `${BUCKET}/a&b` },
        { action: 's3:DeleteObjectVersion', resource: `${BUCKET}/c` },
      ]);
    });

    it('maps every multipart upload step to s3:PutObject, and aborting to s3:AbortMultipartUpload', () => {
      for (const [method, path] of [
        ['POST', '/parley-docs/big?uploads'],
        ['PUT', '/parley-docs/big?partNumber=1&uploadId=u1'],
        ['POST', '/parley-docs/big?uploadId=u1'],
      ] as const) {
        expect(checksOf(http('s3', method, path))).toEqual([{ action: 's3:PutObject', resource: `${BUCKET}/big` }]);
      }
      expect(checksOf(http('s3', 'DELETE', '/parley-docs/big?uploadId=u1'))[0]?.action).toBe('s3:AbortMultipartUpload');
    });

    it('reads the bucket from a virtual-hosted Host header', () => {
      const request = http('s3', 'GET', '/kb/doc.txt', { headers: { host: 'parley-docs.s3.eu-west-1.amazonaws.com' } });

      expect(checksOf(request)).toEqual([{ action: 's3:GetObject', resource: `${BUCKET}/kb/doc.txt` }]);
    });

    it('marks a sub-resource it does not know as unrecognised', () => {
      expect(checksOf(http('s3', 'PUT', '/parley-docs?policy'))).toEqual([
        { action: 'unknown:s3:PUT?policy', unrecognised: 'no mapping for PUT /parley-docs?policy' },
      ]);
    });
  });

  describe('Scheduler', () => {
    const SCHEDULE = 'arn:aws:scheduler:eu-west-1:123456789012:schedule';
    const ROLE = 'arn:aws:iam::123456789012:role/parley-scheduler';

    it('checks a create on the schedule in its group and passes the target’s role to the service', () => {
      const body = { GroupName: 'parley', Target: { Arn: 'arn:aws:sqs:eu-west-1:123456789012:q', RoleArn: ROLE } };

      expect(checksOf(http('scheduler', 'POST', '/schedules/follow-up%231', { body }))).toEqual([
        { action: 'scheduler:CreateSchedule', resource: `${SCHEDULE}/parley/follow-up#1` },
        { action: 'iam:PassRole', resource: ROLE, context: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      ]);
    });

    it('takes the group from the query for reads and deletes, else the default group', () => {
      expect(checksOf(http('scheduler', 'DELETE', '/schedules/s1?groupName=parley'))).toEqual([
        { action: 'scheduler:DeleteSchedule', resource: `${SCHEDULE}/parley/s1` },
      ]);
      expect(checksOf(http('scheduler', 'GET', '/schedules/s1'))).toEqual([
        { action: 'scheduler:GetSchedule', resource: `${SCHEDULE}/default/s1` },
      ]);
      expect(checksOf(http('scheduler', 'GET', '/schedules?NamePrefix=s'))).toEqual([
        { action: 'scheduler:ListSchedules', resource: '*' },
      ]);
    });

    it('maps schedule group calls to the group’s ARN', () => {
      expect(checksOf(http('scheduler', 'POST', '/schedule-groups/parley', { body: {} }))).toEqual([
        {
          action: 'scheduler:CreateScheduleGroup',
          resource: 'arn:aws:scheduler:eu-west-1:123456789012:schedule-group/parley',
        },
      ]);
    });
  });

  describe('EventBridge', () => {
    it('checks PutEvents on each entry’s bus, by name or ARN, defaulting to the default bus', () => {
      const body = {
        Entries: [
          { EventBusName: 'parley', Source: 'parley', DetailType: 'ConversationStarted' },
          {
            EventBusName: 'arn:aws:events:eu-west-1:123456789012:event-bus/parley',
            Source: 'parley',
            DetailType: 'ConversationStarted',
          },
          { Source: 'parley', DetailType: 'ReplySent' },
        ],
      };

      expect(checksOf(json('events', 'AWSEvents.PutEvents', body))).toEqual([
        {
          action: 'events:PutEvents',
          resource: 'arn:aws:events:eu-west-1:123456789012:event-bus/parley',
          context: { 'events:source': 'parley', 'events:detail-type': 'ConversationStarted' },
        },
        {
          action: 'events:PutEvents',
          resource: 'arn:aws:events:eu-west-1:123456789012:event-bus/default',
          context: { 'events:source': 'parley', 'events:detail-type': 'ReplySent' },
        },
      ]);
    });

    it('marks any other EventBridge call as unrecognised', () => {
      expect(checksOf(json('events', 'AWSEvents.DeleteRule', { Name: 'r' }))[0]).toMatchObject({
        action: 'unknown:events:DeleteRule',
      });
    });
  });

  describe('Secrets Manager', () => {
    const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:parley/openai-AbCdEf';

    it('uses an ARN SecretId as it is', () => {
      expect(checksOf(json('secretsmanager', 'secretsmanager.GetSecretValue', { SecretId: ARN }))).toEqual([
        { action: 'secretsmanager:GetSecretValue', resource: ARN },
      ]);
    });

    it('resolves a name through the lookup, and without one leaves the random suffix off', () => {
      const request = json('secretsmanager', 'secretsmanager.GetSecretValue', { SecretId: 'parley/openai' });

      expect(
        checksOf(request, { secretArnByName: (name: string) => (name === 'parley/openai' ? ARN : undefined) }),
      ).toEqual([{ action: 'secretsmanager:GetSecretValue', resource: ARN }]);
      expect(checksOf(request)).toEqual([
        {
          action: 'secretsmanager:GetSecretValue',
          resource: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:parley/openai',
        },
      ]);
    });
  });

  describe('Bedrock Runtime', () => {
    const converse = (modelId: string) =>
      http('bedrock', 'POST', `/model/${encodeURIComponent(modelId)}/converse`, { body: { messages: [] } });
    const model = (region: string, id: string) => `arn:aws:bedrock:${region}::foundation-model/${id}`;

    it('checks Converse and InvokeModel of a foundation model as InvokeModel on that model in the caller’s region', () => {
      const invoke = http('bedrock', 'POST', '/model/amazon.titan-embed-text-v2%3A0/invoke', { body: {} });

      expect(checksOf(converse('anthropic.claude-3-haiku-20240307-v1:0'))).toEqual([
        { action: 'bedrock:InvokeModel', resource: model('eu-west-1', 'anthropic.claude-3-haiku-20240307-v1:0') },
      ]);
      expect(checksOf(invoke)).toEqual([
        { action: 'bedrock:InvokeModel', resource: model('eu-west-1', 'amazon.titan-embed-text-v2:0') },
      ]);
    });

    it('checks a cross-region profile here, then its model in every region it routes to, through the profile', () => {
      const profile = 'arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.amazon.nova-lite-v1:0';
      const context = { 'bedrock:InferenceProfileArn': profile };

      expect(checksOf(converse('eu.amazon.nova-lite-v1:0'))).toEqual([
        { action: 'bedrock:InvokeModel', resource: profile },
        ...['eu-central-1', 'eu-north-1', 'eu-west-1', 'eu-west-3'].map((region) => ({
          action: 'bedrock:InvokeModel',
          resource: model(region, 'amazon.nova-lite-v1:0'),
          context,
        })),
      ]);
    });

    it('marks a profile whose regions are not known, and any other path, as unrecognised', () => {
      expect(checksOf(converse('us.amazon.nova-9-v1:0'))).toEqual([
        { action: 'unknown:bedrock:InvokeModel', unrecognised: expect.stringContaining('us.amazon.nova-9-v1:0') },
      ]);
      expect(checksOf(http('bedrock', 'POST', '/model/amazon.nova-lite-v1%3A0/converse-stream'))).toEqual([
        { action: 'unknown:bedrock', unrecognised: expect.stringContaining('converse-stream') },
      ]);
    });
  });

  it('marks a body it cannot parse as unrecognised rather than throwing', () => {
    const request = http('dynamodb', 'POST', '/', {
      headers: { 'x-amz-target': 'DynamoDB_20120810.GetItem' },
      body: '{',
    });

    expect(checksOf(request)).toEqual([
      { action: 'unknown:dynamodb', unrecognised: expect.stringContaining('unreadable dynamodb request') },
    ]);
  });
});
