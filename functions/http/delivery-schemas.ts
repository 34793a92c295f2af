/**
 * The wire shapes of webhook deliveries (snake_case, per ../shared/CONTRACT.md). As in common-schemas.ts,
 * these validate requests and generate the OpenAPI document.
 */
import * as z from 'zod';
import { idParam, listQuery, timestamp } from '#functions/http/common-schemas';

const deliveryStatus = z.enum(['pending', 'succeeded', 'failed']);

export const deliveryParams = { delivery_id: idParam };

export const listDeliveriesQuery = listQuery
  .extend({ status: deliveryStatus.optional().describe('Only deliveries with this status.') })
  .strict();

export const deliveryResponse = z.object({
  delivery_id: z.string(),
  event_id: z.string().describe('Sent as `webhook-id`; the same on every attempt.'),
  type: z.enum(['message.answered', 'follow_up.sent', 'dropoff.sent', 'conversation.escalated']),
  ai_id: z.string(),
  conversation_id: z.string(),
  url: z.string(),
  status: deliveryStatus.describe(
    'pending: being sent or retried; succeeded: the receiver answered 2xx; failed: given up (retry it by hand).',
  ),
  attempts: z.number().int().describe('Attempts made so far, retries by hand included.'),
  last_status_code: z.number().int().nullable().describe("The last attempt's HTTP status; null if none came back."),
  last_error: z.string().nullable(),
  next_attempt_at: timestamp.nullable().describe('When the next attempt is due; null unless pending.'),
  created_at: timestamp,
});
