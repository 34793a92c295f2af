/**
 * The timer function's handler: EventBridge Scheduler invokes it (asynchronously) with a timer's
 * payload, as the local runtime's scheduler does, and it sends the follow-up or nudge. A throw makes
 * Lambda retry, then send the event to the timer DLQ; the use case is idempotent, so a retry sends
 * nothing twice.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import * as z from 'zod';
import { TIMER_KINDS } from '#lib/domain/timer-kinds';
import { fireTimer } from '#lib/app/fire-timer';
import type { TimerPayload } from '#lib/ports/timers';
import type { LambdaHandler } from '#functions/handlers/lambda-handler';
import { logger } from '#functions/logger';
import { countTimerOutcome, metrics } from '#functions/metrics';

/** What firing a timer takes. */
export type TimerDeps = Parameters<typeof fireTimer>[0];

/** Scheduler's event is whatever the timer was given; anything else is dropped, not retried. */
export type TimerHandler = LambdaHandler<unknown, void>;

const timerPayload = z.object({
  kind: z.enum(TIMER_KINDS),
  tenantId: z.string().min(1),
  conversationId: z.string().min(1),
  version: z.number().int().min(0),
  at: z.string().min(1),
  modelFaultSince: z.string().min(1).optional(),
}) satisfies z.ZodType<TimerPayload>;

export function createTimerHandler(deps: TimerDeps): TimerHandler {
  return middy<unknown, void>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(async (event) => {
      const parsed = timerPayload.safeParse(event);
      if (!parsed.success) {
        // Not ours, or from an older version: retrying cannot make it valid.
        logger.error('timer event is not a timer payload', { issues: parsed.error.issues.map((i) => i.message) });
        return;
      }
      const outcome = await fireTimer(deps, parsed.data);
      countTimerOutcome(parsed.data.kind, outcome);
      logger.info('timer fired', { kind: parsed.data.kind, outcome });
    });
}
