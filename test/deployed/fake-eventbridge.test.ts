import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { EVENT_SOURCE, EventBridgePublisher } from '#lib/adapters/aws/eventbridge-publisher';
import type { DomainEvent } from '#lib/ports/events';
import { type FakeEventBridge, startFakeEventBridge } from '#test/deployed/support/fakes/fake-eventbridge';

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const BUS = 'parley-events';
const credentials = { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake-secret' };

let fake: FakeEventBridge;
let client: EventBridgeClient;

beforeEach(async () => {
  fake = await startFakeEventBridge({ region: REGION, accountId: ACCOUNT, eventBusNames: [BUS] });
  client = new EventBridgeClient({ region: REGION, endpoint: fake.endpoint, credentials });
});
afterEach(async () => {
  client.destroy();
  await fake.stop();
});

const entry = (overrides: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({
  EventBusName: BUS,
  Source: 'parley',
  DetailType: 'message.answered',
  Detail: '{"id":"e1"}',
  ...overrides,
});

function domainEvent(n: number): DomainEvent {
  return {
    type: 'message.answered',
    id: `e${n}`,
    tenantId: 't1',
    occurredAt: '2030-01-02T10:00:00.000Z',
    detail: { conversation_id: 'c1' },
  };
}

describe('the fake EventBridge', () => {
  it('accepts valid entries, by bus name or ARN, and records them with their bus', async () => {
    const output = await client.send(
      new PutEventsCommand({
        Entries: [
          entry(),
          entry({ EventBusName: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${BUS}`, Resources: ['r1'] }),
          entry({ EventBusName: undefined, Time: new Date('2030-01-02T10:00:00Z') }),
        ],
      }),
    );

    expect(output.FailedEntryCount).toBe(0);
    expect(output.Entries).toEqual(fake.events.map((e) => ({ EventId: e.eventId })));
    expect(fake.events).toEqual([
      {
        eventId: expect.any(String),
        eventBusName: BUS,
        source: 'parley',
        detailType: 'message.answered',
        detail: '{"id":"e1"}',
        resources: [],
      },
      expect.objectContaining({ eventBusName: BUS, resources: ['r1'] }),
      expect.objectContaining({ eventBusName: 'default', time: new Date('2030-01-02T10:00:00Z') }),
    ]);
  });

  it('fails an entry without Source, DetailType or a JSON-object Detail, or for a bus that does not exist, and accepts the rest', async () => {
    const output = await client.send(
      new PutEventsCommand({
        Entries: [
          entry({ Source: undefined }),
          entry({ DetailType: undefined }),
          entry({ Detail: undefined }),
          entry({ Detail: '{not json' }),
          entry({ Detail: '"a string"' }),
          entry({ EventBusName: 'typo-bus' }),
          entry(),
        ],
      }),
    );

    expect(output.FailedEntryCount).toBe(6);
    expect(output.Entries).toEqual([
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.',
      },
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
      },
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.',
      },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'ResourceNotFoundException', ErrorMessage: 'Event bus typo-bus does not exist.' },
      { EventId: fake.events[0]?.eventId },
    ]);
    expect(fake.events).toHaveLength(1);
  });

  it('accepts and drops an entry for a bus that does not exist when told to behave as AWS does', async () => {
    const asAws = await startFakeEventBridge({ region: REGION, accountId: ACCOUNT, unknownBus: 'drop' });
    const awsLike = new EventBridgeClient({ region: REGION, endpoint: asAws.endpoint, credentials });
    try {
      const output = await awsLike.send(new PutEventsCommand({ Entries: [entry({ EventBusName: 'typo-bus' })] }));

      expect(output).toMatchObject({ FailedEntryCount: 0, Entries: [{ EventId: expect.any(String) }] });
      expect(asAws.events).toEqual([]);
      expect(asAws.dropped).toEqual([expect.objectContaining({ eventBusName: 'typo-bus' })]);
    } finally {
      awsLike.destroy();
      await asAws.stop();
    }
  });

  it('answers ValidationException for no entries, more than ten, or more than 256 KB in all', async () => {
    const failure = (entries: PutEventsRequestEntry[]) =>
      client.send(new PutEventsCommand({ Entries: entries })).then(
        () => undefined,
        (error: Error & { $metadata: { httpStatusCode?: number } }) => [error.name, error.$metadata.httpStatusCode],
      );
    const detailOf = (bytes: number) => JSON.stringify({ pad: 'x'.repeat(bytes - 10) });

    const none = await failure([]);
    const eleven = await failure(Array.from({ length: 11 }, () => entry()));
    const tooBig = await failure([entry({ Detail: detailOf(132_000) }), entry({ Detail: detailOf(132_000) })]);

    expect([none, eleven, tooBig]).toEqual([
      ['ValidationException', 400],
      ['ValidationException', 400],
      ['ValidationException', 400],
    ]);
    expect(fake.calls.map((c) => c.error)).toEqual([
      'ValidationException',
      'ValidationException',
      'ValidationException',
    ]);
    expect(fake.events).toEqual([]);
  });

  it('fails the next calls as asked: a 500 the SDK retries, or a per-entry InternalFailure it returns', async () => {
    fake.failNext(1, 'internal-exception');
    const retried = await client.send(new PutEventsCommand({ Entries: [entry()] }));
    fake.failNext(1, 'entry-internal-failure');
    const failed = await client.send(new PutEventsCommand({ Entries: [entry()] }));

    expect(retried.FailedEntryCount).toBe(0);
    expect(failed).toMatchObject({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'Internal Failure' }],
    });
    expect(fake.calls.map((c) => [c.operation, c.error])).toEqual([
      ['PutEvents', 'InternalException'],
      ['PutEvents', undefined],
      ['PutEvents', undefined],
    ]);
    expect(fake.events).toHaveLength(1);
  });
});

describe('EventBridgePublisher against the fake', () => {
  it('puts the events on its bus in calls of ten', async () => {
    const publisher = new EventBridgePublisher({ eventBusName: BUS, client });
    const events = Array.from({ length: 12 }, (_, n) => domainEvent(n));

    await publisher.publish(events);

    const wireEntry = (event: DomainEvent) => ({
      EventBusName: BUS,
      Source: EVENT_SOURCE,
      DetailType: 'message.answered',
      Detail: JSON.stringify({ id: event.id, tenantId: 't1', occurredAt: event.occurredAt, conversation_id: 'c1' }),
    });
    expect(fake.calls).toEqual([
      { operation: 'PutEvents', input: { Entries: events.slice(0, 10).map(wireEntry) } },
      { operation: 'PutEvents', input: { Entries: events.slice(10).map(wireEntry) } },
    ]);
    expect(fake.events.map((e) => [e.eventBusName, JSON.parse(e.detail).id])).toEqual(events.map((e) => [BUS, e.id]));
  });

  it('throws when EventBridge refuses an entry, naming the event', async () => {
    const publisher = new EventBridgePublisher({ eventBusName: 'not-deployed', client });

    await expect(publisher.publish([domainEvent(1)])).rejects.toThrow(
      'EventBridge refused 1 of 1 events: e1: ResourceNotFoundException Event bus not-deployed does not exist.',
    );
  });
});
