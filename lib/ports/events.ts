/** Domain events told to the outside world. */

/** What the system tells the outside world happened; see EventPublisher. */
export type DomainEventType =
  | 'message.answered'
  | 'conversation.escalated'
  | 'follow_up.sent'
  | 'dropoff.sent'
  | 'delivery.failed'
  | 'conversation.deleted';

export interface DomainEvent {
  type: DomainEventType;
  /**
   * Stable: derived from what caused the event (e.g. the webhook's event id), so an event published
   * again after a retry has the same id and consumers can dedupe on it.
   */
  id: string;
  tenantId: string;
  /** When it happened, ISO-8601 UTC. */
  occurredAt: string;
  /** Ids and outcomes, snake_case: never message text, contact fields or secrets. */
  detail: Record<string, unknown>;
}

export interface EventPublisher {
  /**
   * Publishes the events, at least once: throws if any was not accepted, so the caller's retry
   * publishes them (all of them) again.
   */
  publish(events: DomainEvent[]): Promise<void>;
}
