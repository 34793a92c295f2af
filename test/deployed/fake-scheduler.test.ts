import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  CreateScheduleGroupCommand,
  DeleteScheduleCommand,
  DeleteScheduleGroupCommand,
  GetScheduleCommand,
  GetScheduleGroupCommand,
  ListSchedulesCommand,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import {
  EventBridgeTimerScheduler,
  TIMER_MAX_EVENT_AGE_SECONDS,
  TIMER_MAX_RETRY_ATTEMPTS,
} from '#lib/adapters/aws/scheduler';
import type { TimerPayload } from '#lib/ports/timers';
import { type FakeScheduler, startFakeScheduler } from '#test/deployed/support/fakes/fake-scheduler';

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const GROUP = 'parley-timers';
const credentials = { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake-secret' };

let fake: FakeScheduler;
let client: SchedulerClient;

beforeEach(async () => {
  fake = await startFakeScheduler({ region: REGION, accountId: ACCOUNT, groups: [GROUP] });
  client = new SchedulerClient({ region: REGION, endpoint: fake.endpoint, credentials, maxAttempts: 1 });
});
afterEach(async () => {
  client.destroy();
  await fake.stop();
});

function scheduleInput(overrides: Partial<CreateScheduleCommandInput> = {}): CreateScheduleCommandInput {
  return {
    Name: 'follow-up.c1',
    GroupName: GROUP,
    ScheduleExpression: 'at(2030-01-02T10:00:00)',
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    Description: 'a follow-up',
    Target: {
      Arn: 'arn:aws:lambda:eu-west-1:123456789012:function:timer',
      RoleArn: 'arn:aws:iam::123456789012:role/scheduler',
      Input: '{"kind":"follow_up"}',
      DeadLetterConfig: { Arn: 'arn:aws:sqs:eu-west-1:123456789012:timer-dlq' },
      RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 600 },
    },
    ...overrides,
  };
}

async function errorOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as Error & { $metadata?: { httpStatusCode?: number } },
  );
  if (!error) throw new Error('expected the call to fail');
  return { name: error.name, message: error.message, status: error.$metadata?.httpStatusCode };
}

describe('the fake EventBridge Scheduler', () => {
  it('creates a schedule and gets it back with every field as given', async () => {
    const input = scheduleInput();

    const created = await client.send(new CreateScheduleCommand(input));
    const got = await client.send(new GetScheduleCommand({ Name: input.Name, GroupName: GROUP }));

    const arn = `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/${GROUP}/follow-up.c1`;
    expect(created.ScheduleArn).toBe(arn);
    expect(got).toMatchObject({
      Arn: arn,
      Name: input.Name,
      GroupName: GROUP,
      ScheduleExpression: input.ScheduleExpression,
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      Description: 'a follow-up',
      Target: input.Target,
    });
    expect(got.CreationDate).toBeInstanceOf(Date);
    expect(Math.abs((got.LastModificationDate?.getTime() ?? 0) - Date.now())).toBeLessThan(5_000);
  });

  it('answers 409 ConflictException for a name that exists and 404 ResourceNotFoundException for one that does not', async () => {
    await client.send(new CreateScheduleCommand(scheduleInput()));

    const conflict = await errorOf(client.send(new CreateScheduleCommand(scheduleInput())));
    const missingGet = await errorOf(client.send(new GetScheduleCommand({ Name: 'nope', GroupName: GROUP })));
    const missingUpdate = await errorOf(client.send(new UpdateScheduleCommand(scheduleInput({ Name: 'nope' }))));
    const missingDelete = await errorOf(client.send(new DeleteScheduleCommand({ Name: 'nope', GroupName: GROUP })));

    expect(conflict).toEqual({
      name: 'ConflictException',
      message: 'Schedule follow-up.c1 already exists.',
      status: 409,
    });
    const notFound = { name: 'ResourceNotFoundException', message: 'Schedule nope does not exist.', status: 404 };
    expect([missingGet, missingUpdate, missingDelete]).toEqual([notFound, notFound, notFound]);
  });

  it('refuses a schedule in a group that does not exist', async () => {
    const error = await errorOf(client.send(new CreateScheduleCommand(scheduleInput({ GroupName: 'other' }))));

    expect(error).toEqual({
      name: 'ResourceNotFoundException',
      message: 'Schedule group other does not exist.',
      status: 404,
    });
    expect(fake.schedules()).toEqual([]);
  });

  it('answers 400 ValidationException for a bad name or a missing Target, FlexibleTimeWindow or expression', async () => {
    const badName = await errorOf(client.send(new CreateScheduleCommand(scheduleInput({ Name: 'has space' }))));
    const longName = await errorOf(client.send(new CreateScheduleCommand(scheduleInput({ Name: 'n'.repeat(65) }))));
    const missing = await errorOf(
      client.send(
        new CreateScheduleCommand({
          ...scheduleInput(),
          Target: undefined,
          FlexibleTimeWindow: undefined,
          ScheduleExpression: undefined,
        } as unknown as CreateScheduleCommandInput),
      ),
    );
    const badExpression = await errorOf(
      client.send(new CreateScheduleCommand(scheduleInput({ ScheduleExpression: 'at(2030-13-02T10:00:00)' }))),
    );

    expect(badName).toEqual({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value 'has space' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[0-9a-zA-Z-_.]+$",
      status: 400,
    });
    expect(longName.message).toMatch(
      /^1 validation error detected: .* Member must have length less than or equal to 64$/,
    );
    expect(missing.message).toBe(
      '3 validation errors detected: ' +
        "Value null at 'scheduleExpression' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'flexibleTimeWindow' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'target' failed to satisfy constraint: Member must not be null",
    );
    expect(badExpression).toEqual({
      name: 'ValidationException',
      message: 'Invalid Schedule Expression at(2030-13-02T10:00:00).',
      status: 400,
    });
    expect(fake.schedules()).toEqual([]);
  });

  it('replaces every field on UpdateSchedule and keeps the creation date', async () => {
    await client.send(new CreateScheduleCommand(scheduleInput()));
    const [before] = fake.schedules();

    await client.send(
      new UpdateScheduleCommand(
        scheduleInput({ ScheduleExpression: 'at(2030-01-03T10:00:00)', Description: undefined, State: 'DISABLED' }),
      ),
    );

    const [after] = fake.schedules();
    expect(after).toMatchObject({ ScheduleExpression: 'at(2030-01-03T10:00:00)', State: 'DISABLED' });
    expect(after?.Description).toBeUndefined();
    expect(after?.CreationDate).toEqual(before?.CreationDate);
  });

  it('lists schedules by group, name prefix and state, a page at a time', async () => {
    for (const name of ['a1', 'a2', 'a3', 'b1'])
      await client.send(new CreateScheduleCommand(scheduleInput({ Name: name })));
    await client.send(
      new CreateScheduleCommand(scheduleInput({ Name: 'a4', GroupName: 'default', State: 'DISABLED' })),
    );

    const first = await client.send(new ListSchedulesCommand({ GroupName: GROUP, NamePrefix: 'a', MaxResults: 2 }));
    const second = await client.send(
      new ListSchedulesCommand({ GroupName: GROUP, NamePrefix: 'a', MaxResults: 2, NextToken: first.NextToken }),
    );
    const disabled = await client.send(new ListSchedulesCommand({ State: 'DISABLED' }));

    expect(first.Schedules?.map((s) => s.Name)).toEqual(['a1', 'a2']);
    expect(second.Schedules?.map((s) => s.Name)).toEqual(['a3']);
    expect(second.NextToken).toBeUndefined();
    expect(disabled.Schedules).toEqual([
      expect.objectContaining({
        Name: 'a4',
        GroupName: 'default',
        State: 'DISABLED',
        Target: { Arn: scheduleInput().Target?.Arn },
      }),
    ]);
    expect(fake.calls.filter((c) => c.operation === 'ListSchedules').map((c) => c.input)).toEqual([
      { GroupName: GROUP, NamePrefix: 'a', MaxResults: 2 },
      { GroupName: GROUP, NamePrefix: 'a', MaxResults: 2, NextToken: first.NextToken },
      { State: 'DISABLED' },
    ]);
  });

  it('creates, gets and deletes schedule groups, and deleting a group deletes its schedules', async () => {
    const created = await client.send(new CreateScheduleGroupCommand({ Name: 'extra' }));
    await client.send(new CreateScheduleCommand(scheduleInput({ GroupName: 'extra' })));
    const got = await client.send(new GetScheduleGroupCommand({ Name: 'extra' }));

    await client.send(new DeleteScheduleGroupCommand({ Name: 'extra' }));

    expect(created.ScheduleGroupArn).toBe(`arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule-group/extra`);
    expect(got).toMatchObject({ Name: 'extra', State: 'ACTIVE', Arn: created.ScheduleGroupArn });
    expect(fake.groups()).toEqual(['default', GROUP]);
    expect(fake.schedules()).toEqual([]);
  });

  it('reports one-time schedules as due once their time has come in their time zone', async () => {
    await client.send(
      new CreateScheduleCommand(scheduleInput({ Name: 'utc', ScheduleExpression: 'at(2030-01-02T10:00:00)' })),
    );
    await client.send(
      new CreateScheduleCommand(
        scheduleInput({
          Name: 'paris',
          ScheduleExpression: 'at(2030-07-02T10:00:00)',
          ScheduleExpressionTimezone: 'Europe/Paris',
        }),
      ),
    );
    await client.send(new CreateScheduleCommand(scheduleInput({ Name: 'off', State: 'DISABLED' })));

    const dueNames = (iso: string) => fake.due(new Date(iso)).map((s) => s.Name);

    expect(dueNames('2030-01-02T09:59:59Z')).toEqual([]);
    expect(dueNames('2030-01-02T10:00:00Z')).toEqual(['utc']);
    // 10:00 in Paris in summer is 08:00 UTC.
    expect(dueNames('2030-07-02T07:59:59Z')).toEqual(['utc']);
    expect(dueNames('2030-07-02T08:00:00Z')).toEqual(['utc', 'paris']);
  });

  it('deletes a completed schedule whose ActionAfterCompletion is DELETE and keeps one whose is NONE', async () => {
    await client.send(new CreateScheduleCommand(scheduleInput({ Name: 'deletes' })));
    await client.send(new CreateScheduleCommand(scheduleInput({ Name: 'stays', ActionAfterCompletion: 'NONE' })));

    fake.complete(GROUP, 'deletes');
    fake.complete(GROUP, 'stays');

    expect(fake.schedules().map((s) => s.Name)).toEqual(['stays']);
    expect(fake.due(new Date('2031-01-01T00:00:00Z'))).toEqual([]);
  });

  it('is reached by a client built without an endpoint through AWS_ENDPOINT_URL_SCHEDULER', async () => {
    const saved = process.env.AWS_ENDPOINT_URL_SCHEDULER;
    process.env.AWS_ENDPOINT_URL_SCHEDULER = fake.endpoint;
    const fromEnvironment = new SchedulerClient({ region: REGION, credentials, maxAttempts: 1 });
    try {
      await fromEnvironment.send(new DeleteScheduleCommand({ Name: 'gone', GroupName: GROUP })).catch(() => undefined);
    } finally {
      fromEnvironment.destroy();
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_SCHEDULER;
      else process.env.AWS_ENDPOINT_URL_SCHEDULER = saved;
    }

    expect(fake.calls).toEqual([
      {
        operation: 'DeleteSchedule',
        input: { Name: 'gone', GroupName: GROUP, ClientToken: expect.any(String) },
        error: 'ResourceNotFoundException',
      },
    ]);
  });
});

describe('EventBridgeTimerScheduler against the fake', () => {
  const options = {
    groupName: GROUP,
    roleArn: 'arn:aws:iam::123456789012:role/scheduler',
    targetArn: 'arn:aws:lambda:eu-west-1:123456789012:function:timer',
    dlqArn: 'arn:aws:sqs:eu-west-1:123456789012:timer-dlq',
  };
  const payload = (version: number): TimerPayload => ({
    kind: 'follow_up',
    tenantId: 't1',
    conversationId: 'c1',
    version,
    at: '2030-01-02T10:00:00.000Z',
  });
  const wireInput = (at: string, version: number) => ({
    Name: 'follow-up-c1',
    GroupName: GROUP,
    ScheduleExpression: `at(${at})`,
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    Target: {
      Arn: options.targetArn,
      RoleArn: options.roleArn,
      Input: JSON.stringify(payload(version)),
      DeadLetterConfig: { Arn: options.dlqArn },
      RetryPolicy: {
        MaximumRetryAttempts: TIMER_MAX_RETRY_ATTEMPTS,
        MaximumEventAgeInSeconds: TIMER_MAX_EVENT_AGE_SECONDS,
      },
    },
    ClientToken: expect.any(String),
  });

  it('updates the schedule when a timer of the same name is armed again, after a ConflictException', async () => {
    const timers = new EventBridgeTimerScheduler({ ...options, client });

    await timers.schedule({ name: 'follow-up-c1', at: new Date('2030-01-02T10:00:00Z'), payload: payload(1) });
    await timers.schedule({ name: 'follow-up-c1', at: new Date('2030-01-02T11:00:00.200Z'), payload: payload(2) });

    expect(fake.calls).toEqual([
      { operation: 'CreateSchedule', input: wireInput('2030-01-02T10:00:00', 1) },
      { operation: 'CreateSchedule', input: wireInput('2030-01-02T11:00:01', 2), error: 'ConflictException' },
      { operation: 'UpdateSchedule', input: wireInput('2030-01-02T11:00:01', 2) },
    ]);
    expect(fake.schedules()).toEqual([
      expect.objectContaining({
        Name: 'follow-up-c1',
        ScheduleExpression: 'at(2030-01-02T11:00:01)',
        Target: expect.objectContaining({ Input: JSON.stringify(payload(2)) }),
      }),
    ]);
  });

  it('cancels a pending timer, and cancelling one that already fired is not an error', async () => {
    const timers = new EventBridgeTimerScheduler({ ...options, client });
    await timers.schedule({ name: 'follow-up-c1', at: new Date('2030-01-02T10:00:00Z'), payload: payload(1) });
    fake.complete(GROUP, 'follow-up-c1');

    await expect(timers.cancel('follow-up-c1')).resolves.toBeUndefined();

    expect(fake.calls.slice(1)).toEqual([
      {
        operation: 'DeleteSchedule',
        input: { Name: 'follow-up-c1', GroupName: GROUP, ClientToken: expect.any(String) },
        error: 'ResourceNotFoundException',
      },
    ]);
  });
});
