import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { QUEUE_SETTINGS } from '#lib/queue-settings';
import { LambdaFunction } from './lambda-function.ts';
import type { Messaging } from './messaging.ts';

/** How often the recovery sweep runs; it re-queues work stored more than 15 minutes ago. */
export const SWEEP_INTERVAL = Duration.minutes(5);

export interface GenerationProps {
  readonly messaging: Messaging;
  /** Environment shared by every function (queue URLs, models…). */
  readonly environment: Record<string, string>;
  readonly logRetention: logs.RetentionDays;
  /**
   * Generation records per invocation. They are answered one after another (FIFO order), each
   * with a model call, within one function timeout: raise it only with a fast model.
   */
  readonly generatorBatchSize: number;
  /** Generators running at once: the cap that keeps the OpenAI account within its rate limits. */
  readonly generatorMaxConcurrency: number;
  /** Delivery functions running at once. */
  readonly deliveryMaxConcurrency: number;
}

/**
 * The background workers: the generator (answers conversations from the FIFO generation queue),
 * delivery (sends webhooks from the delivery queue), the sweeper (re-queues stalled work on a
 * schedule) and the timer function (writes follow-ups and drop-off nudges when an EventBridge
 * Scheduler timer fires; infra/constructs/scheduling.ts makes it the timers' target). Both queue
 * consumers report partial batch failures, so one bad record is retried alone. IAM and the
 * variables that go with it are granted by the stack.
 */
export class Generation extends Construct {
  readonly generator: LambdaFunction;
  readonly delivery: LambdaFunction;
  readonly sweeper: LambdaFunction;
  readonly timer: LambdaFunction;

  constructor(scope: Construct, id: string, props: GenerationProps) {
    super(scope, id);
    const shared = { environment: props.environment, logRetention: props.logRetention };
    const { generationQueue, deliveryQueue } = props.messaging;

    this.generator = new LambdaFunction(this, 'Generator', { entryName: 'generator', ...shared });
    this.generator.addEventSource(
      new SqsEventSource(generationQueue, {
        batchSize: props.generatorBatchSize,
        reportBatchItemFailures: true,
        maxConcurrency: props.generatorMaxConcurrency,
      }),
    );

    this.delivery = new LambdaFunction(this, 'Delivery', { entryName: 'delivery', ...shared });
    this.delivery.addEventSource(
      new SqsEventSource(deliveryQueue, {
        batchSize: QUEUE_SETTINGS.delivery.batchSize,
        reportBatchItemFailures: true,
        maxConcurrency: props.deliveryMaxConcurrency,
      }),
    );

    this.sweeper = new LambdaFunction(this, 'Sweeper', { entryName: 'sweeper', ...shared });
    new events.Rule(this, 'SweepSchedule', {
      description: 'Runs the Parley recovery sweep',
      schedule: events.Schedule.rate(SWEEP_INTERVAL),
      // A failed run is not retried: the next one, minutes later, sweeps the same work.
      targets: [new targets.LambdaFunction(this.sweeper, { retryAttempts: 0 })],
    });

    // Named, so that its own ARN (where the next nudge it arms points) can be in its environment.
    this.timer = new LambdaFunction(this, 'Timer', { entryName: 'timer', fixedName: true, ...shared });
  }

  get functions(): LambdaFunction[] {
    return [this.generator, this.delivery, this.sweeper, this.timer];
  }
}
