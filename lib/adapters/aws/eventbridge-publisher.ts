/** Domain events on an EventBridge bus: source `parley`, detail-type the event type. */
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { DomainEvent, EventPublisher } from '#lib/ports/events';

/** The `source` of every event Parley puts on the bus; rules match on it. */
export const EVENT_SOURCE = 'parley';
/** PutEvents takes at most this many entries a call. */
const MAX_ENTRIES_PER_CALL = 10;

export class EventBridgePublisher implements EventPublisher {
  private readonly eventBusName: string;
  private readonly client: EventBridgeClient;

  constructor(options: { eventBusName: string; client?: EventBridgeClient }) {
    this.eventBusName = options.eventBusName;
    this.client = options.client ?? new EventBridgeClient({});
  }

  /**
   * Puts the events in calls of ten. Throws if EventBridge refused any entry, after trying every
   * call: the caller's retry publishes them all again, and consumers dedupe on `detail.id`.
   */
  async publish(events: DomainEvent[]): Promise<void> {
    const refused: string[] = [];
    for (let i = 0; i < events.length; i += MAX_ENTRIES_PER_CALL) {
      const entries = events.slice(i, i + MAX_ENTRIES_PER_CALL).map((e) => this.toEntry(e));
      const output = await this.client.send(new PutEventsCommand({ Entries: entries }));
      if (!output.FailedEntryCount) continue;
      output.Entries?.forEach((result, n) => {
        if (result.ErrorCode)
          refused.push(`${events[i + n]?.id}: ${result.ErrorCode} ${result.ErrorMessage ?? ''}`.trim());
      });
    }
    if (refused.length > 0) {
      throw new Error(`EventBridge refused ${refused.length} of ${events.length} events: ${refused.join('; ')}`);
    }
  }

  private toEntry(event: DomainEvent): PutEventsRequestEntry {
    return {
      EventBusName: this.eventBusName,
      Source: EVENT_SOURCE,
      DetailType: event.type,
      Detail: JSON.stringify({ id: event.id, tenantId: event.tenantId, occurredAt: event.occurredAt, ...event.detail }),
    };
  }
}
