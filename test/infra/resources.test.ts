import { Match } from 'aws-cdk-lib/assertions';
import {
  DEAD_LETTER_RETENTION_SECONDS,
  EVALUATION_MAX_RECEIVE_COUNT,
  GENERATION_MAX_RECEIVE_COUNT,
  INGESTION_MAX_RECEIVE_COUNT,
  QUEUE_SETTINGS,
  type QueueName,
} from '#lib/queue-settings';
import { MAX_EVALUATION_ATTEMPTS } from '#lib/domain/limits/evaluation-runs';
import { MAX_GENERATION_ATTEMPTS } from '#lib/domain/limits/generation';
import { MAX_MODEL_FAULT_WAITS } from '#lib/domain/model-faults';
import { GSI2_PROJECTED_ATTRIBUTES, tableDefinition } from '#lib/adapters/aws/table-definition';
import { type PendingKind, SWEEP_STALE_AFTER_SECONDS } from '#lib/app/recover-pending';
import {
  FUNCTION_IDS,
  functionProperties,
  type Json,
  logicalId,
  SYNTH_TIMEOUT_MS,
  type Synthesised,
  synthParley,
} from './synth.ts';

let synth: Synthesised;
beforeAll(() => {
  synth = synthParley();
}, SYNTH_TIMEOUT_MS);
afterAll(() => synth?.cleanup());

const resources = () => synth.template.toJSON().Resources as Record<string, Record<string, Json>>;
const ofType = (type: string) => Object.entries(resources()).filter(([, resource]) => resource.Type === type);

describe('the table', () => {
  it('mirrors tableDefinition: keys, attribute types, the gsi1 and gsi2 indexes and on-demand billing', () => {
    const definition = tableDefinition('ignored');

    synth.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: definition.KeySchema,
      AttributeDefinitions: Match.arrayEquals(definition.AttributeDefinitions!),
      GlobalSecondaryIndexes: definition.GlobalSecondaryIndexes,
      BillingMode: definition.BillingMode,
    });
  });

  it('has the inbox index gsi2 (T#{tenant}#CONVS / {updatedAt}#{id}), projecting an inbox row', () => {
    synth.template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: Match.arrayWith([
        {
          IndexName: 'gsi2',
          KeySchema: [
            { AttributeName: 'gsi2pk', KeyType: 'HASH' },
            { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...GSI2_PROJECTED_ATTRIBUTES] },
        },
      ]),
    });
  });

  it('has point-in-time recovery, deletion protection and TTL on `ttl`', () => {
    synth.template.hasResourceProperties('AWS::DynamoDB::Table', {
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
    });
  });

  it('is retained when the stack is deleted, and its name is an output', () => {
    synth.template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    synth.template.hasOutput('TableName', {
      Value: { Ref: logicalId(synth.template, 'AWS::DynamoDB::Table', 'Storage') },
    });
  });
});

describe('the queues', () => {
  /** Queue logical id → the timeout of the function its event source mapping feeds. */
  const consumerTimeouts = (): Record<string, number> =>
    Object.fromEntries(
      ofType('AWS::Lambda::EventSourceMapping').map(([, mapping]) => [
        mapping.Properties.EventSourceArn['Fn::GetAtt'][0],
        resources()[mapping.Properties.FunctionName.Ref]!.Properties.Timeout,
      ]),
    );
  const deadLetterTargets = () =>
    ofType('AWS::SQS::Queue').flatMap(([, queue]) =>
      queue.Properties.RedrivePolicy ? [queue.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0]] : [],
    );

  it('make generation a FIFO queue deduplicated by the ids the code sends, not by content', () => {
    synth.template.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      ContentBasedDeduplication: false,
      RedrivePolicy: Match.objectLike({ deadLetterTargetArn: Match.anyValue() }),
    });
  });

  it('give each consumed queue a DLQ and a visibility of six times its consumer timeout', () => {
    const timeouts = consumerTimeouts();

    expect(Object.keys(timeouts)).toHaveLength(4);
    for (const [queueId, timeout] of Object.entries(timeouts)) {
      const queue = resources()[queueId]!.Properties;
      expect(queue.RedrivePolicy.deadLetterTargetArn).toBeDefined();
      expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * timeout);
    }
  });

  it('leave work to its own redelivery: the sweeper takes a record for lost only after its queue would have brought it back', () => {
    const kindOf = (queueId: string): PendingKind =>
      /Generation/.test(queueId) ? 'message' : /Delivery/.test(queueId) ? 'delivery' : 'document';

    // Runs are not swept: a run left running is finished by its job's last receive, or by the next
    // start of its set after RUN_STALE_AFTER_MS.
    const swept = Object.keys(consumerTimeouts()).filter((id) => !/Evaluation/.test(id));
    const visibility = swept.map(
      (id) => [kindOf(id), resources()[id]!.Properties.VisibilityTimeout as number] as const,
    );

    expect(new Set(visibility.map(([kind]) => kind)).size).toBe(3);
    for (const [kind, seconds] of visibility) expect(SWEEP_STALE_AFTER_SECONDS[kind]).toBeGreaterThan(seconds);
  });

  it('retry a message five times plus every wait for a busy model, a delivery at least five times, and a document three times (a document that failed thrice will not read)', () => {
    const maxReceives = Object.fromEntries(
      Object.keys(consumerTimeouts()).map((id) => [
        id.replace(/[0-9A-F]{8}$/, ''),
        resources()[id]!.Properties.RedrivePolicy.maxReceiveCount,
      ]),
    );

    expect(maxReceives.MessagingGenerationQueue).toBe(GENERATION_MAX_RECEIVE_COUNT);
    expect(maxReceives.MessagingGenerationQueue).toBeGreaterThanOrEqual(
      MAX_GENERATION_ATTEMPTS + MAX_MODEL_FAULT_WAITS,
    );
    expect(maxReceives.MessagingDeliveryQueue).toBeGreaterThanOrEqual(5);
    expect(maxReceives.KnowledgeIngestionQueue).toBe(INGESTION_MAX_RECEIVE_COUNT);
    expect(maxReceives.EvaluationsEvaluationQueue).toBe(EVALUATION_MAX_RECEIVE_COUNT);
    expect(maxReceives.EvaluationsEvaluationQueue).toBe(MAX_EVALUATION_ATTEMPTS + 1);
  });

  it.each([
    ['generation', 'MessagingGenerationQueue', 'generator'],
    ['delivery', 'MessagingDeliveryQueue', 'delivery'],
    ['ingestion', 'KnowledgeIngestionQueue', 'ingester'],
    ['evaluation', 'EvaluationsEvaluationQueue', 'evaluator'],
  ] as const)(
    'carry exactly the %s settings of lib/queue-settings.ts, on the queue, its DLQ, its mapping and its consumer',
    (name: QueueName, queuePrefix, consumer: keyof typeof FUNCTION_IDS) => {
      const settings = QUEUE_SETTINGS[name];
      const queueId = logicalId(synth.template, 'AWS::SQS::Queue', queuePrefix);
      const queue = resources()[queueId]!.Properties;
      const dlq = resources()[queue.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0]]!.Properties;
      const [mapping] = ofType('AWS::Lambda::EventSourceMapping').filter(
        ([, m]) => m.Properties.EventSourceArn['Fn::GetAtt'][0] === queueId,
      );

      expect(queue.VisibilityTimeout).toBe(settings.visibilityTimeoutSeconds);
      expect(queue.RedrivePolicy.maxReceiveCount).toBe(settings.maxReceiveCount);
      expect(dlq.MessageRetentionPeriod).toBe(DEAD_LETTER_RETENTION_SECONDS);
      expect(mapping?.[1].Properties).toMatchObject({
        FunctionName: { Ref: logicalId(synth.template, 'AWS::Lambda::Function', FUNCTION_IDS[consumer]) },
        BatchSize: settings.batchSize,
        ScalingConfig: { MaximumConcurrency: settings.maxConcurrency },
      });
      expect(functionProperties(synth.template, consumer).Timeout).toBe(settings.lambdaTimeoutSeconds);
    },
  );

  it('give every queue that is not a DLQ a redrive policy', () => {
    const dlqs = new Set([...deadLetterTargets(), logicalId(synth.template, 'AWS::SQS::Queue', 'SchedulingTimerDlq')]);

    for (const [id, queue] of ofType('AWS::SQS::Queue')) {
      if (!dlqs.has(id)) expect(queue.Properties.RedrivePolicy).toBeDefined();
    }
  });

  it('keep dead letters for 14 days, in a FIFO DLQ for the FIFO queue', () => {
    for (const [, queue] of ofType('AWS::SQS::Queue').filter(([, q]) => q.Properties.RedrivePolicy)) {
      const dlq = resources()[queue.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0]]!.Properties;
      expect(dlq.MessageRetentionPeriod).toBe(14 * 24 * 3600);
      expect(dlq.FifoQueue).toBe(queue.Properties.FifoQueue);
    }
    synth.template.hasResourceProperties('AWS::SQS::Queue', {
      MessageRetentionPeriod: 14 * 24 * 3600,
      FifoQueue: Match.absent(),
      RedrivePolicy: Match.absent(),
    });
  });

  it('are all encrypted with SQS-managed keys and refuse plain HTTP', () => {
    const queues = ofType('AWS::SQS::Queue');
    const tlsOnly = ofType('AWS::SQS::QueuePolicy').filter(([, policy]) =>
      policy.Properties.PolicyDocument.Statement.some(
        (s: Json) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false',
      ),
    );

    expect(queues).toHaveLength(9);
    for (const [, queue] of queues) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    expect(tlsOnly.flatMap(([, policy]) => policy.Properties.Queues.map((q: Json) => q.Ref)).sort()).toEqual(
      queues.map(([id]) => id).sort(),
    );
  });
});

describe('the OpenAI secret', () => {
  it('is created empty, so no deploy can write over the key the operator puts in, and is retained', () => {
    synth.template.hasResource('AWS::SecretsManager::Secret', {
      Properties: Match.objectLike({ SecretString: Match.absent(), GenerateSecretString: Match.absent() }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    synth.template.hasOutput('OpenAiSecretArn', {
      Value: { Ref: logicalId(synth.template, 'AWS::SecretsManager::Secret', 'SecretsOpenAiKey') },
    });
  });
});

describe('events and timers', () => {
  it('have a custom event bus, whose name is an output', () => {
    synth.template.hasOutput('EventBusName', {
      Value: { Ref: logicalId(synth.template, 'AWS::Events::EventBus', 'EventsBus') },
    });
  });

  it('have a schedule group for one-time timers', () => {
    synth.template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
  });
});
