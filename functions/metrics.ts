import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { GenerationOutcome } from '#lib/app/generate-reply';
import type { TimerOutcome } from '#lib/app/fire-timer';
import type { TimerPayload } from '#lib/ports/timers';
import { logger } from '#functions/logger';

/** The CloudWatch namespace and `service` dimension of Parley's metrics (the alarms in infra/ use them). */
export const METRICS_NAMESPACE = 'Parley';
export const METRICS_SERVICE = 'parley';

/** The metrics the handlers record, one per outcome; counts. */
export const METRIC = {
  repliesGenerated: 'RepliesGenerated',
  /** Messages given up on after repeated failures (marked failed). */
  generationFailed: 'GenerationFailed',
  /** Generation attempts that threw and will be retried by the queue. */
  generationRetried: 'GenerationRetried',
  deliveriesSucceeded: 'DeliveriesSucceeded',
  deliveriesRetried: 'DeliveriesRetried',
  deliveriesFailed: 'DeliveriesFailed',
  /**
   * Answers, follow-ups and nudges escalated (`model_unavailable`) because the chat model has no
   * usable credentials: the OpenAI key is missing or refused. Alarmed: only an operator can fix it.
   */
  modelUnavailable: 'ModelUnavailable',
  followUpsSent: 'FollowUpsSent',
  nudgesSent: 'NudgesSent',
  documentsIndexed: 'DocumentsIndexed',
  /** Documents that could not be read (marked failed with the reason). */
  documentsFailed: 'DocumentsFailed',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

const EMPTY_METRICS_WARNING = 'No application metrics to publish';

/**
 * The one metrics instance (CloudWatch EMF on stdout, flushed per invocation by the `logMetrics`
 * middleware). Its own notices go through the structured logger; the notice that an invocation
 * recorded nothing (a delivery record that was not yet due) is routine, so it goes to debug.
 */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
  serviceName: METRICS_SERVICE,
  logger: {
    debug: (...content: unknown[]) => logger.debug(String(content[0])),
    info: (...content: unknown[]) => logger.info(String(content[0])),
    warn: (...content: unknown[]) => {
      const message = String(content[0]);
      if (message.startsWith(EMPTY_METRICS_WARNING)) logger.debug(message);
      else logger.warn(message);
    },
    error: (...content: unknown[]) => logger.error(String(content[0])),
  },
});

/** Adds one to a count metric of this invocation. */
export function countMetric(name: MetricName): void {
  metrics.addMetric(name, MetricUnit.Count, 1);
}

/** What each generation outcome counts; a record with nothing to do, or escalated by the model's choice, counts nothing. */
const GENERATION_METRICS: Partial<Record<GenerationOutcome, MetricName>> = {
  answered: METRIC.repliesGenerated,
  failed: METRIC.generationFailed,
  model_unavailable: METRIC.modelUnavailable,
};

/** Counts what a generation record ended in (the generator handler). */
export function countGenerationOutcome(outcome: GenerationOutcome): void {
  const name = GENERATION_METRICS[outcome];
  if (name) countMetric(name);
}

/** Counts what a timer ended in (the timer handler): a follow-up or nudge sent, or the model unavailable. */
export function countTimerOutcome(kind: TimerPayload['kind'], outcome: TimerOutcome): void {
  if (outcome === 'sent') countMetric(kind === 'follow_up' ? METRIC.followUpsSent : METRIC.nudgesSent);
  if (outcome === 'model_unavailable') countMetric(METRIC.modelUnavailable);
}
