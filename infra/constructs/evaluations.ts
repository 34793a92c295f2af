import { Duration } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '#lib/config';
import { QUEUE_SETTINGS } from '#lib/queue-settings';
import { LambdaFunction } from './lambda-function.ts';
import { DLQ_RETENTION, QUEUE_DEFAULTS, acknowledgeDeadLetterQueue } from './messaging.ts';

export interface EvaluationsProps {
  /** Environment shared by every function (queue URLs, models, the documents bucket…). */
  readonly environment: Record<string, string>;
  readonly logRetention: logs.RetentionDays;
}

/**
 * Test-set runs: the evaluation queue with its DLQ, and the evaluator that consumes it one run at
 * a time (answering the run's cases, continuing in a new record when its time runs short). IAM
 * and the variable that goes with it are granted by the stack.
 */
export class Evaluations extends Construct {
  readonly evaluationQueue: sqs.Queue;
  readonly evaluationDlq: sqs.Queue;
  readonly evaluator: LambdaFunction;

  constructor(scope: Construct, id: string, props: EvaluationsProps) {
    super(scope, id);
    const settings = QUEUE_SETTINGS.evaluation;
    this.evaluationDlq = new sqs.Queue(this, 'EvaluationDlq', { ...QUEUE_DEFAULTS, retentionPeriod: DLQ_RETENTION });
    acknowledgeDeadLetterQueue(this.evaluationDlq);
    this.evaluationQueue = new sqs.Queue(this, 'EvaluationQueue', {
      ...QUEUE_DEFAULTS,
      visibilityTimeout: Duration.seconds(settings.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: this.evaluationDlq, maxReceiveCount: settings.maxReceiveCount },
    });
    this.evaluator = new LambdaFunction(this, 'Evaluator', {
      entryName: 'evaluator',
      environment: props.environment,
      logRetention: props.logRetention,
    });
    this.evaluator.addEventSource(
      new SqsEventSource(this.evaluationQueue, {
        batchSize: settings.batchSize,
        reportBatchItemFailures: true,
        maxConcurrency: settings.maxConcurrency,
      }),
    );
    // A run too long for one invocation goes on in a new record.
    this.grantSendEvaluation(this.evaluator);
  }

  /** sqs:SendMessage (and what it needs) on the evaluation queue, and its URL in the environment. */
  grantSendEvaluation(fn: LambdaFunction): void {
    this.evaluationQueue.grantSendMessages(fn);
    fn.addEnvironment(ENV.evaluationQueueUrl, this.evaluationQueue.queueUrl);
  }
}
