import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { EventBridgePublisher } from '#lib/adapters/aws/eventbridge-publisher';
import type { DomainEvent } from '#lib/ports/events';

const eventBridge = mockClient(EventBridgeClient);

function answered(n: number): DomainEvent {
  return {
    type: 'message.answered',
    id: `evt_${n}`,
    tenantId: 'ten_1',
    occurredAt: '2026-11-27T10:00:00.000Z',
    detail: { ai_id: 'ai_1', conversation_id: 'alice@example.com', message_id: `msg_${n}` },
  };
}

const publisher = () => new EventBridgePublisher({ eventBusName: 'parley-events', client: new EventBridgeClient({}) });

beforeEach(() => {
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((_, i) => ({ EventId: `eb-${i}` })),
  }));
});

describe('EventBridgePublisher', () => {
  it('puts each event on the bus with source parley, its type as detail-type and its fields in the detail', async () => {
    await publisher().publish([answered(1)]);

    expect(eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input).toEqual({
      Entries: [
        {
          EventBusName: 'parley-events',
          Source: 'parley',
          DetailType: 'message.answered',
          Detail: JSON.stringify({
            id: 'evt_1',
            tenantId: 'ten_1',
            occurredAt: '2026-11-27T10:00:00.000Z',
            ai_id: 'ai_1',
            conversation_id: 'alice@example.com',
            message_id: 'msg_1',
          }),
        },
      ],
    });
  });

  it('puts events in calls of at most ten, in order', async () => {
    const events = Array.from({ length: 23 }, (_, i) => answered(i));

    await publisher().publish(events);

    const calls = eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries ?? []);
    expect(calls.map((entries) => entries.length)).toEqual([10, 10, 3]);
    expect(calls.flat().map((e) => JSON.parse(e.Detail ?? '{}').id)).toEqual(events.map((e) => e.id));
  });

  it('makes no call for no events', async () => {
    await publisher().publish([]);

    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('throws when EventBridge refuses an entry, so that the caller retries, after trying every call', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [{ EventId: 'eb-0' }, { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }],
      })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-x' }] });
    const events = Array.from({ length: 11 }, (_, i) => answered(i));

    await expect(publisher().publish(events)).rejects.toThrow(
      'EventBridge refused 1 of 11 events: evt_1: InternalFailure try again',
    );
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(2);
  });

  it('lets a transport error through', async () => {
    eventBridge.on(PutEventsCommand).rejects(new Error('socket hang up'));

    await expect(publisher().publish([answered(1)])).rejects.toThrow('socket hang up');
  });
});
