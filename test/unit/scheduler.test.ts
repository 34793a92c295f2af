import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import {
  EventBridgeTimerScheduler,
  TIMER_MAX_EVENT_AGE_SECONDS,
  TIMER_MAX_RETRY_ATTEMPTS,
  toAtExpression,
  toScheduleName,
} from '#lib/adapters/aws/scheduler';
import type { TimerPayload } from '#lib/ports/timers';

const scheduler = mockClient(SchedulerClient);

const settings = {
  groupName: 'parley',
  roleArn: 'arn:aws:iam::123456789012:role/parley-scheduler',
  targetArn: 'arn:aws:lambda:eu-west-1:123456789012:function:parley-timer',
  dlqArn: 'arn:aws:sqs:eu-west-1:123456789012:parley-timers-dlq',
};
const payload: TimerPayload = {
  kind: 'follow_up',
  tenantId: 'ten_1',
  conversationId: 'alice@example.com',
  version: 7,
  at: '2026-11-28T15:30:00.000Z',
};
const timer = { name: 'follow_up-ten_1-conv_42', at: new Date('2026-11-28T15:30:00.000Z'), payload };

/** The exact CreateSchedule (and UpdateSchedule) input for `timer`. */
const expectedInput = {
  Name: 'follow_up-ten_1-conv_42',
  GroupName: 'parley',
  ScheduleExpression: 'at(2026-11-28T15:30:00)',
  ScheduleExpressionTimezone: 'UTC',
  FlexibleTimeWindow: { Mode: 'OFF' },
  ActionAfterCompletion: 'DELETE',
  Target: {
    Arn: settings.targetArn,
    RoleArn: settings.roleArn,
    Input: JSON.stringify(payload),
    DeadLetterConfig: { Arn: settings.dlqArn },
    RetryPolicy: {
      MaximumRetryAttempts: TIMER_MAX_RETRY_ATTEMPTS,
      MaximumEventAgeInSeconds: TIMER_MAX_EVENT_AGE_SECONDS,
    },
  },
};

const timers = () => new EventBridgeTimerScheduler({ ...settings, client: new SchedulerClient({}) });
const conflict = () =>
  new ConflictException({ message: 'Schedule already exists.', Message: 'Schedule already exists.', $metadata: {} });
const notFound = () =>
  new ResourceNotFoundException({
    message: 'Schedule does not exist.',
    Message: 'Schedule does not exist.',
    $metadata: {},
  });

beforeEach(() => {
  scheduler.reset();
  scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:aws:scheduler:…' });
  scheduler.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn:aws:scheduler:…' });
  scheduler.on(DeleteScheduleCommand).resolves({});
});

describe('EventBridgeTimerScheduler', () => {
  it('creates a one-time schedule at the time in UTC that invokes the target with the payload, then deletes itself', async () => {
    await timers().schedule(timer);

    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(1);
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input).toEqual(expectedInput);
    expect(scheduler.commandCalls(UpdateScheduleCommand)).toHaveLength(0);
  });

  it('replaces a pending schedule of the same name with the same input', async () => {
    scheduler.on(CreateScheduleCommand).rejects(conflict());

    await timers().schedule(timer);

    expect(scheduler.commandCalls(UpdateScheduleCommand)).toHaveLength(1);
    expect(scheduler.commandCalls(UpdateScheduleCommand)[0]?.args[0].input).toEqual(expectedInput);
  });

  it('creates the schedule after all if the one of that name fired between the two calls', async () => {
    scheduler.on(CreateScheduleCommand).rejectsOnce(conflict()).resolves({ ScheduleArn: 'arn:aws:scheduler:…' });
    scheduler.on(UpdateScheduleCommand).rejects(notFound());

    await timers().schedule(timer);

    expect(scheduler.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input)).toEqual([
      expectedInput,
      expectedInput,
    ]);
  });

  it('lets other errors through', async () => {
    scheduler
      .on(CreateScheduleCommand)
      .rejects(new ValidationException({ message: 'bad', Message: 'bad', $metadata: {} }));

    await expect(timers().schedule(timer)).rejects.toThrow('bad');
    expect(scheduler.commandCalls(UpdateScheduleCommand)).toHaveLength(0);
  });

  it('cancels a timer by deleting its schedule in the group', async () => {
    await timers().cancel('follow_up-ten_1-conv_42');

    expect(scheduler.commandCalls(DeleteScheduleCommand)[0]?.args[0].input).toEqual({
      Name: 'follow_up-ten_1-conv_42',
      GroupName: 'parley',
    });
  });

  it('treats cancelling a timer that already fired or never existed as done', async () => {
    scheduler.on(DeleteScheduleCommand).rejects(notFound());

    await expect(timers().cancel('gone')).resolves.toBeUndefined();
  });

  it('lets other errors of a cancel through', async () => {
    scheduler.on(DeleteScheduleCommand).rejects(new Error('throttled'));

    await expect(timers().cancel('x')).rejects.toThrow('throttled');
  });

  it('uses the same sanitised name to schedule and to cancel a timer whose name Scheduler would refuse', async () => {
    const name = 'dropoff#ten_1#alice@example.com';

    await timers().schedule({ ...timer, name });
    await timers().cancel(name);

    const created = scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input.Name;
    expect(created).toBe(toScheduleName(name));
    expect(scheduler.commandCalls(DeleteScheduleCommand)[0]?.args[0].input.Name).toBe(created);
  });
});

describe('toScheduleName', () => {
  it('keeps a name Scheduler accepts', () => {
    expect(toScheduleName('follow_up-ten_1.conv-42')).toBe('follow_up-ten_1.conv-42');
  });

  it('turns any other name into a stable, valid one that keeps a readable prefix', () => {
    const name = toScheduleName('dropoff#ten_1#alice@example.com');

    expect(name).toMatch(/^dropoff_ten_1_alice_exa-[0-9a-f]{40}$/);
    expect(toScheduleName('dropoff#ten_1#alice@example.com')).toBe(name);
  });

  it('tells apart names that differ only in the characters it replaces, or beyond 64 characters', () => {
    expect(toScheduleName('a#b')).not.toBe(toScheduleName('a@b'));
    const long = 'x'.repeat(80);
    expect(toScheduleName(`${long}1`)).not.toBe(toScheduleName(`${long}2`));
    expect(toScheduleName(`${long}1`)).toHaveLength(64);
  });

  it('gives an empty name a valid one', () => {
    expect(toScheduleName('')).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe('toAtExpression', () => {
  it('writes the time in UTC to the second', () => {
    expect(toAtExpression(new Date('2026-03-29T01:30:00+02:00'))).toBe('at(2026-03-28T23:30:00)');
  });

  it('rounds a fraction of a second up, so that a timer never fires early', () => {
    expect(toAtExpression(new Date('2026-11-28T15:30:59.001Z'))).toBe('at(2026-11-28T15:31:00)');
  });
});
