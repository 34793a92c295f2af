/**
 * The proxy in front of Scheduler, EventBridge and Secrets Manager. Their fakes are written
 * elsewhere; a loopback stub that records what reaches it and answers success stands in here.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateScheduleCommand, DeleteScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { AwsService } from '#test/deployed/support/iam/aws-request';
import type { IdentityPolicy } from '#test/deployed/support/iam/iam-policy';
import { type IamProxy, startIamProxy } from '#test/deployed/support/iam/iam-proxy';

const ENV = { accountId: '123456789012', region: 'eu-west-1', partition: 'aws' };
const CALLER = 'arn:aws:sts::123456789012:assumed-role/parley-FollowUpRole/parley-follow-up';
const SCHEDULER_ROLE = 'arn:aws:iam::123456789012:role/parley-SchedulerRole';
const OTHER_ROLE = 'arn:aws:iam::123456789012:role/admin';
const BUS = 'arn:aws:events:eu-west-1:123456789012:event-bus/parley';
const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:parley/openai-AbCdEf';
const CREDENTIALS = { accessKeyId: 'AKIAFOLLOWUP', secretAccessKey: 'x' };

const POLICY: IdentityPolicy = {
  name: 'FollowUpRoleDefaultPolicy',
  document: {
    Statement: [
      {
        Effect: 'Allow',
        Action: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
        Resource: 'arn:aws:scheduler:eu-west-1:123456789012:schedule/parley/*',
      },
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: SCHEDULER_ROLE,
        Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      },
      { Effect: 'Allow', Action: 'events:PutEvents', Resource: BUS },
      {
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:parley/openai-??????',
      },
    ],
  },
};

const STUB_ANSWERS: Readonly<Record<AwsService, string>> = {
  scheduler: JSON.stringify({ ScheduleArn: 'arn:aws:scheduler:eu-west-1:123456789012:schedule/parley/s' }),
  events: JSON.stringify({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] }),
  secretsmanager: JSON.stringify({ ARN: SECRET, Name: 'parley/openai', SecretString: 'sk-test', VersionId: 'v1' }),
  dynamodb: '{}',
  sqs: '{}',
  s3: '',
  bedrock: '{}',
};

interface Stub {
  server: Server;
  endpoint: string;
  /** `METHOD path` of every request that reached the stub. */
  reached: string[];
}

async function startStub(service: AwsService): Promise<Stub> {
  const reached: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      reached.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(STUB_ANSWERS[service]);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, reached };
}

async function startProxied(service: AwsService): Promise<{ stub: Stub; proxy: IamProxy }> {
  const stub = await startStub(service);
  const proxy = await startIamProxy({
    service,
    target: stub.endpoint,
    environment: ENV,
    secretArnByName: (name) => (name === 'parley/openai' ? SECRET : undefined),
    principals: [
      {
        accessKeyId: CREDENTIALS.accessKeyId,
        name: 'parley-follow-up',
        roleArn: 'arn:aws:iam::123456789012:role/parley-FollowUpRole',
        policies: [POLICY],
      },
    ],
  });
  return { stub, proxy };
}

async function stop({ stub, proxy }: { stub: Stub; proxy: IamProxy }): Promise<void> {
  await proxy.stop();
  await new Promise<void>((resolve) => stub.server.close(() => resolve()));
}

describe('the IAM proxy in front of Scheduler', () => {
  let running: { stub: Stub; proxy: IamProxy };
  let client: SchedulerClient;
  const schedule = (name: string, RoleArn: string) =>
    new CreateScheduleCommand({
      Name: name,
      GroupName: 'parley',
      ScheduleExpression: 'at(2030-01-01T00:00:00)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: 'arn:aws:sqs:eu-west-1:123456789012:follow-ups', RoleArn, Input: '{}' },
    });

  beforeAll(async () => {
    running = await startProxied('scheduler');
    client = new SchedulerClient({ endpoint: running.proxy.endpoint, region: ENV.region, credentials: CREDENTIALS });
  });
  afterAll(async () => {
    client.destroy();
    await stop(running);
  });
  beforeEach(() => running.proxy.clearDecisions());

  it('forwards a schedule in the allowed group that passes the allowed role', async () => {
    await client.send(schedule('follow-up-1', SCHEDULER_ROLE));

    expect(running.stub.reached).toEqual(['POST /schedules/follow-up-1']);
    expect(running.proxy.decisions.map(({ action, resource, allowed }) => ({ action, resource, allowed }))).toEqual([
      {
        action: 'scheduler:CreateSchedule',
        resource: 'arn:aws:scheduler:eu-west-1:123456789012:schedule/parley/follow-up-1',
        allowed: true,
      },
      { action: 'iam:PassRole', resource: SCHEDULER_ROLE, allowed: true },
    ]);
  });

  it('refuses to pass a role the policy does not name, with Scheduler’s AccessDeniedException', async () => {
    const reachedBefore = running.stub.reached.length;

    const error = await client.send(schedule('follow-up-2', OTHER_ROLE)).catch((e) => e);

    expect(error).toMatchObject({
      name: 'AccessDeniedException',
      message: `User: ${CALLER} is not authorized to perform: iam:PassRole on resource: ${OTHER_ROLE} because no identity-based policy allows the iam:PassRole action`,
      $metadata: { httpStatusCode: 403 },
    });
    expect(running.stub.reached).toHaveLength(reachedBefore);
  });

  it('refuses a delete in another group', async () => {
    const error = await client.send(new DeleteScheduleCommand({ Name: 'x', GroupName: 'default' })).catch((e) => e);

    expect(error.name).toBe('AccessDeniedException');
    expect(running.proxy.denied()).toEqual([
      expect.objectContaining({
        action: 'scheduler:DeleteSchedule',
        resource: 'arn:aws:scheduler:eu-west-1:123456789012:schedule/default/x',
      }),
    ]);
  });
});

describe('the IAM proxy in front of EventBridge', () => {
  let running: { stub: Stub; proxy: IamProxy };
  let client: EventBridgeClient;

  beforeAll(async () => {
    running = await startProxied('events');
    client = new EventBridgeClient({ endpoint: running.proxy.endpoint, region: ENV.region, credentials: CREDENTIALS });
  });
  afterAll(async () => {
    client.destroy();
    await stop(running);
  });
  beforeEach(() => running.proxy.clearDecisions());

  it('forwards events to the allowed bus and refuses the default bus', async () => {
    await client.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: 'parley', Source: 'parley', DetailType: 'Replied', Detail: '{}' }],
      }),
    );
    const error = await client
      .send(new PutEventsCommand({ Entries: [{ Source: 'parley', DetailType: 'Replied', Detail: '{}' }] }))
      .catch((e) => e);

    expect(error).toMatchObject({
      name: 'AccessDeniedException',
      message: `User: ${CALLER} is not authorized to perform: events:PutEvents on resource: arn:aws:events:eu-west-1:123456789012:event-bus/default because no identity-based policy allows the events:PutEvents action`,
      $metadata: { httpStatusCode: 400 },
    });
    expect(running.proxy.decisions.map(({ resource, allowed }) => ({ resource, allowed }))).toEqual([
      { resource: BUS, allowed: true },
      { resource: 'arn:aws:events:eu-west-1:123456789012:event-bus/default', allowed: false },
    ]);
    expect(running.stub.reached).toHaveLength(1);
  });

  it('refuses a call the proxy cannot map, whatever the policy says', async () => {
    const admin = await startIamProxy({
      service: 'events',
      target: running.stub.endpoint,
      environment: ENV,
      principals: [
        {
          accessKeyId: 'AKIAADMIN',
          name: 'admin',
          roleArn: OTHER_ROLE,
          policies: [{ name: 'All', document: { Statement: { Effect: 'Allow', Action: '*', Resource: '*' } } }],
        },
      ],
    });
    const events = new EventBridgeClient({
      endpoint: admin.endpoint,
      region: ENV.region,
      credentials: { accessKeyId: 'AKIAADMIN', secretAccessKey: 'x' },
    });

    const error = await events.send(new PutEventsCommand({ Entries: [] })).catch((e) => e);
    events.destroy();
    await admin.stop();

    expect(error.name).toBe('AccessDeniedException');
    expect(admin.decisions).toEqual([
      {
        principal: 'admin',
        action: 'unknown:events:PutEvents',
        resource: '*',
        allowed: false,
        reason: 'PutEvents without Entries',
      },
    ]);
  });
});

describe('the IAM proxy in front of Secrets Manager', () => {
  let running: { stub: Stub; proxy: IamProxy };
  let client: SecretsManagerClient;

  beforeAll(async () => {
    running = await startProxied('secretsmanager');
    client = new SecretsManagerClient({
      endpoint: running.proxy.endpoint,
      region: ENV.region,
      credentials: CREDENTIALS,
    });
  });
  afterAll(async () => {
    client.destroy();
    await stop(running);
  });
  beforeEach(() => running.proxy.clearDecisions());

  it('resolves a secret named by name to its ARN and forwards the read', async () => {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: 'parley/openai' }));

    expect(SecretString).toBe('sk-test');
    expect(running.proxy.decisions).toEqual([
      expect.objectContaining({ action: 'secretsmanager:GetSecretValue', resource: SECRET, allowed: true }),
    ]);
  });

  it('refuses another secret with AccessDeniedException', async () => {
    const error = await client.send(new GetSecretValueCommand({ SecretId: 'parley/other' })).catch((e) => e);

    expect(error).toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
    expect(running.proxy.denied()).toEqual([
      {
        principal: 'parley-follow-up',
        action: 'secretsmanager:GetSecretValue',
        resource: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:parley/other',
        allowed: false,
        reason:
          'no identity-based policy allows secretsmanager:GetSecretValue on arn:aws:secretsmanager:eu-west-1:123456789012:secret:parley/other',
      },
    ]);
  });
});
