/** Webhook deliveries → the contract's snake_case JSON. */
import type { z } from 'zod';
import type { Delivery } from '#lib/domain/types';
import type { deliveryResponse } from '#functions/http/delivery-schemas';

/** A delivery as clients see it: never its body (it carries message text) or its lease. */
export function presentDelivery(delivery: Delivery): z.output<typeof deliveryResponse> {
  return {
    delivery_id: delivery.id,
    event_id: delivery.eventId,
    type: delivery.type,
    ai_id: delivery.aiId,
    conversation_id: delivery.conversationId,
    url: delivery.url,
    status: delivery.status,
    attempts: delivery.attempts,
    last_status_code: delivery.lastStatusCode ?? null,
    last_error: delivery.lastError ?? null,
    next_attempt_at: delivery.status === 'pending' ? delivery.nextAttemptAt : null,
    created_at: delivery.createdAt,
  };
}
