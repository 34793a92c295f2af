/**
 * The deployed stack, as AWS runs it: the template's bundles on Lambda's Node, each function with
 * its own role enforced on every AWS call, driven by API Gateway requests, SQS event source
 * mappings, Scheduler invocations and the sweeper's rule (support/deployed-stack.ts). Every
 * scenario ends with no call refused: a permission the code needs and the stack lacks fails here.
 */
import { jest } from '@jest/globals';
import { PurgeQueueCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { Webhook } from 'standardwebhooks';
import { LAMBDA_NODE_VERSIONS, lambdaNodeMajor } from '#test/support/lambda-node';
import { parleyReplyContent, startFakeOpenAi, type FakeOpenAi } from '#test/support/fake-openai';
import { startWebhookReceiver, type WebhookReceiver } from '#test/support/webhook-receiver';
import { DEPLOYED_SYNTH_TIMEOUT_MS } from './support/assembly.ts';
import { type DeployedStack, startDeployedStack } from './support/deployed-stack.ts';
import { callApi, eventually, uploadAndIndex } from './support/stack-client.ts';
import { TIME_SCALE } from './support/stack-resources.ts';
import { knowledgeReindexName } from '#lib/app/knowledge/reindex-migration';

jest.setTimeout(120_000);

let stack: DeployedStack;
let receiver: WebhookReceiver;
let openAi: FakeOpenAi;
let ai: { id: string; webhook_secret: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A JSON request to the stack's HTTP API with its tenant's key. */
const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  callApi(stack, method, path, body, headers);

beforeAll(async () => {
  [receiver, openAi] = await Promise.all([startWebhookReceiver(), startFakeOpenAi()]);
  stack = await startDeployedStack({ openAiKey: 'sk-deployed-test', openAiBaseUrl: openAi.baseUrl });
  const created = await api('POST', '/v1/ais', {
    type: 'support',
    name: 'Ada',
    webhooks: { answer_url: receiver.url },
    follow_up: { enabled: true, dropoff_after_hours: 24, max_nudges: 2, timezone: 'UTC' },
  });
  expect(created.status).toBe(201);
  ai = created.body;
}, DEPLOYED_SYNTH_TIMEOUT_MS + 60_000);

afterAll(async () => {
  await stack?.stop();
  await Promise.all([receiver?.stop(), openAi?.stop()]);
});

afterEach(() => {
  // Every scenario: no AWS call a function made was refused by its role.
  expect(stack.denied()).toEqual([]);
});

describe('the functions of the template', () => {
  it('each run on the Node.js that their Lambda runtime names, from their bundle in the cloud assembly', async () => {
    const health = await fetch(`${stack.url}/health`);
    const api = stack.fn('ApiFunction').runner;

    expect(health.status).toBe(200);
    expect(api.nodeVersion()).toBe(`v${LAMBDA_NODE_VERSIONS[lambdaNodeMajor(api.spec.runtime)]}`);
    expect(api.spec.codeDir.startsWith(stack.assembly.directory)).toBe(true);
  });
});

describe('the message pipeline', () => {
  it('answers a message with one signed webhook, through the generator and delivery functions', async () => {
    receiver.received.length = 0;
    const posted = await api('POST', '/v2/messages', {
      ai_id: ai.id,
      conversation_id: 'grace@example.com',
      message: 'Hello! What are your opening hours?',
      contact: { first_name: 'Grace', email: 'grace@example.com' },
      channel: 'email',
    });

    expect(posted.status).toBe(202);
    const [webhook] = await receiver.waitFor(1, 30_000);
    const verified = new Webhook(ai.webhook_secret).verify(webhook?.body ?? '', webhook?.headers ?? {});
    expect(verified).toMatchObject({ type: 'message.answered', conversation_id: 'grace@example.com' });
    expect(openAi.requests.length).toBeGreaterThan(0);
    const conversation = await api('GET', `/v2/conversations/${encodeURIComponent('grace@example.com')}`);
    expect(conversation.body.messages).toEqual([
      expect.objectContaining({ message_id: posted.body.message_id, direction: 'inbound', status: 'answered' }),
      expect.objectContaining({ direction: 'outbound', kind: 'reply' }),
    ]);
    await eventually(() =>
      stack.eventBridge.events.some((e) => e.detailType === 'message.answered') ? true : undefined,
    );
  });

  it('arms the drop-off timer as an EventBridge schedule that invokes the timer function through the scheduler role', () => {
    const [schedule] = stack.scheduler.schedules();

    expect(schedule).toMatchObject({
      GroupName: stack.fn('GenerationTimer').runner.spec.environment.PARLEY_SCHEDULE_GROUP,
      Target: { Arn: stack.fn('GenerationTimer').runner.spec.arn, RoleArn: expect.stringContaining(':role/') },
    });
  });
});

describe('a timer fired twice (Scheduler and Lambda deliver at least once)', () => {
  it('sends one nudge and re-arms the next timer both times, with no AccessDenied', async () => {
    receiver.received.length = 0;

    const fired = await stack.fireSchedules({ all: true, times: 2 });

    expect(fired.flatMap((f) => f.outcomes)).toEqual([{ ok: true }, { ok: true }]);
    const [nudge] = await receiver.waitFor(1, 20_000);
    await sleep(1_500);
    expect(receiver.received).toHaveLength(1);
    expect(nudge?.json).toMatchObject({ type: 'dropoff.sent', conversation_id: 'grace@example.com' });
    expect(stack.scheduler.calls.map((c) => c.operation)).toContain('UpdateSchedule');
  });
});

describe('a webhook receiver that fails', () => {
  it('gets the answer again on the delivery queue’s retry', async () => {
    receiver.received.length = 0;
    let failures = 1;
    receiver.setResponder(() => (failures-- > 0 ? { status: 503 } : { status: 200 }));

    await api('POST', '/v2/messages', { ai_id: ai.id, conversation_id: 'retry@example.com', message: 'Price?' });

    const [first, second] = await receiver.waitFor(2, 40_000);
    expect(first?.headers['webhook-id']).toBe(second?.headers['webhook-id']);
    receiver.setResponder(() => ({ status: 200 }));
  });
});

describe('a busy model', () => {
  it('waits out a model that answers 429 with the record hidden (ChangeMessageVisibility), then answers once', async () => {
    receiver.received.length = 0;
    openAi.requests.length = 0;
    let rateLimited = 2;
    openAi.setResponder(() =>
      rateLimited-- > 0
        ? { status: 429, headers: { 'retry-after': '1' }, body: { error: { message: 'Rate limit reached' } } }
        : { content: parleyReplyContent() },
    );
    try {
      await api('POST', '/v2/messages', { ai_id: ai.id, conversation_id: 'busy@example.com', message: 'Hi?' });

      const [webhook] = await receiver.waitFor(1, 40_000);
      await sleep(1_000);

      expect(receiver.received).toHaveLength(1);
      expect(JSON.parse(webhook?.body ?? '{}')).toMatchObject({ type: 'message.answered' });
      expect(openAi.requests).toHaveLength(3);
    } finally {
      openAi.setResponder(() => ({ content: parleyReplyContent() }));
    }
  });
});

describe('a poison record in a FIFO group', () => {
  it('holds its own group only, and reaches the dead-letter queue after maxReceiveCount receives', async () => {
    const generation = stack.queue('MessagingGenerationQueue');
    const admin = stack.adminSqs();
    await admin.send(
      new SendMessageCommand({
        QueueUrl: generation.url,
        MessageBody: '{"not":"a job"}',
        MessageGroupId: 'poison',
        MessageDeduplicationId: 'poison-1',
      }),
    );
    receiver.received.length = 0;

    await api('POST', '/v2/messages', { ai_id: ai.id, conversation_id: 'bystander', message: 'Hi there' });

    await receiver.waitFor(1, 20_000);
    const dead = await eventually(
      async () => {
        const messages = await stack.peekQueue('MessagingGenerationDlq');
        return messages.length > 0 ? messages : undefined;
      },
      (generation.maxReceiveCount ?? 5) * generation.scaledVisibilityTimeoutSeconds * 1000 + 20_000,
    );
    expect(dead.map((m) => m.body)).toEqual(['{"not":"a job"}']);
    expect(generation.scaledVisibilityTimeoutSeconds).toBe(Math.round(360 / TIME_SCALE));
  });
});

describe('the sweeper', () => {
  it('queues again an answer whose delivery record was lost, once it is stale', async () => {
    const delivery = stack.eventSources.find((s) => s.spec.logicalId.startsWith('GenerationDelivery'));
    await delivery?.stop();
    receiver.received.length = 0;
    await api('POST', '/v2/messages', { ai_id: ai.id, conversation_id: 'lost', message: 'Anyone there?' });
    await eventually(async () => ((await stack.peekQueue('MessagingDeliveryQueue')).length > 0 ? true : undefined));
    await stack.adminSqs().send(new PurgeQueueCommand({ QueueUrl: stack.queue('MessagingDeliveryQueue').url }));
    await delivery?.start();

    const [swept] = await stack.runRule('GenerationSweepSchedule', { clockOffsetMs: 16 * 60_000 });

    // The inbox backfill and the knowledge re-index ran too (their Scans, under the sweeper's role):
    // the new table had nothing to do.
    expect(swept).toMatchObject({ deliveries: 1, inboxBackfill: { done: true }, knowledgeReindex: { done: true } });
    const [webhook] = await receiver.waitFor(1, 20_000);
    expect(webhook?.json).toMatchObject({ type: 'message.answered', conversation_id: 'lost' });
  });
});

describe('the conversations inbox', () => {
  it('lists conversations through gsi2 under the api function’s role, filtered and searched', async () => {
    const listed = await api('GET', '/v2/conversations?limit=100');
    const searched = await api('GET', `/v2/conversations?q=${encodeURIComponent('GRACE@')}`);

    expect(listed.status).toBe(200);
    expect(listed.body.data.map((row: { conversation_id: string }) => row.conversation_id)).toContain(
      'grace@example.com',
    );
    expect(searched.body.data.map((row: { conversation_id: string }) => row.conversation_id)).toEqual([
      'grace@example.com',
    ]);
  });
});

describe('a test-set run', () => {
  it('is queued by the api function and answered by the evaluator, its rubric judged by the model, nothing sent', async () => {
    openAi.setResponder((request) =>
      request.response_format?.type === 'json_schema' &&
      request.response_format.json_schema.name === 'parley_rubric_verdict'
        ? { content: JSON.stringify({ passed: true, reason: 'It is friendly.' }) }
        : { content: parleyReplyContent({ reply: 'We ship to Canada within 10 business days.' }) },
    );
    const webhooksBefore = receiver.received.length;
    const set = await api('POST', `/v1/ais/${ai.id}/test-sets`, {
      name: 'Shipping',
      cases: [
        {
          case_id: 'canada',
          message: 'Do you ship to Canada?',
          expect: { contains: ['10 business days'] },
          rubric: 'Friendly.',
        },
        { case_id: 'mexico', message: 'Do you ship to Mexico?', expect: { contains: ['Mexico'] } },
      ],
    });
    expect(set.status).toBe(201);

    const started = await api('POST', `/v1/ais/${ai.id}/test-sets/${set.body.set_id}/runs`);

    expect(started).toMatchObject({ status: 202, body: { status: 'running' } });
    const run = await eventually(async () => {
      const read = await api('GET', `/v1/ais/${ai.id}/test-sets/${set.body.set_id}/runs/${started.body.run_id}`);
      return read.body.status === 'done' ? read.body : undefined;
    });
    expect(run).toMatchObject({ total: 2, passed: 1, failed: 1, regressions: [] });
    expect(run.results[0]).toMatchObject({
      case_id: 'canada',
      passed: true,
      rubric: { verdict: 'passed', reason: 'It is friendly.' },
    });
    expect(run.results[1].failures).toEqual(['expected the reply to contain “Mexico”']);
    expect(receiver.received.length).toBe(webhooksBefore);
    openAi.setResponder(() => ({ content: parleyReplyContent() }));
  });
});

describe('a document uploaded to a knowledge base', () => {
  it('is stored in S3 by the api function and indexed by the ingester from there', async () => {
    const { uploadStatus, document } = await uploadAndIndex(
      stack,
      'Returns: any kit within 45 days for a full refund.',
      'returns.txt',
    );

    expect(uploadStatus).toBe(202);
    expect(document).toMatchObject({ status: 'ready' });
    expect(stack.proxies.s3.decisions.map((d) => d.action)).toEqual(
      expect.arrayContaining(['s3:PutObject', 's3:GetObject']),
    );
  });

  it('is read by the sweeper’s knowledge re-index under its role, and left alone when already of the stack’s model', async () => {
    // As if the stack had just been switched to its model: the migration for it is not done yet.
    const name = knowledgeReindexName('text-embedding-3-small');
    await stack.stores.migrations.saveMigration({
      name,
      done: false,
      migrated: 0,
      updatedAt: new Date().toISOString(),
    });
    const readsBefore = stack.proxies.s3.decisions.length;

    const [swept] = await stack.runRule('GenerationSweepSchedule');

    expect(swept).toMatchObject({ knowledgeReindex: { done: true, queued: 0 } });
    const sweeperReads = stack.proxies.s3.decisions
      .slice(readsBefore)
      .filter((d) => d.action === 's3:GetObject' && d.allowed && /Sweeper/.test(d.principal));
    expect(sweeperReads.length).toBeGreaterThan(0);
    expect(await stack.stores.migrations.getMigration(name)).toMatchObject({ done: true });
  });
});

describe('requests API Gateway routes', () => {
  it('refuses a bad key with the contract’s 401', async () => {
    const response = await fetch(`${stack.url}/v1/ais`, { headers: { authorization: 'Bearer nope' } });

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: expect.any(String) } });
  });

  it('answers an unknown path through the $default route with the contract’s 404, not API Gateway’s 500', async () => {
    const response = await api('GET', '/v9/nothing-here');

    expect(response.status).toBe(404);
    expect(stack.http.records.at(-1)).toMatchObject({ routeKey: '$default', status: 404 });
  });

  it('answers a Maax call with its trailing slash, even where API Gateway sends it to $default', async () => {
    const query = new URLSearchParams({
      message_content: 'Do you ship abroad?',
      ai_id: ai.id,
      platform: 'website',
      service_type: 'customer_support_automation',
      prospect_id: 'p-1',
    });
    const response = await fetch(`${stack.url}/api/initiate_answer_generation/?${query}`, {
      method: 'POST',
      headers: { '2hd-api-key': stack.apiKey },
    });

    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ status: 'pending' });
    expect(stack.http.records.at(-1)).toMatchObject({ routeKey: '$default', status: 202 });
  });
});
