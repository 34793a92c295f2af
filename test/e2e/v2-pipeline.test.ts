/**
 * The V2 pipeline end to end, driven over HTTP exactly as a client (a Zap, a CRM) would: the local
 * runtime in its own process, a real webhook receiver on loopback, signatures checked with the
 * `standardwebhooks` package. It runs once per model provider: the offline model, and OpenAI and
 * Bedrock through their real SDKs against fake servers on loopback.
 */
import { jest } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { MAX_BODY_BYTES } from '#lib/domain/limits/http';
import type { ModelProvider } from '#lib/config';
import { FAKED_PROVIDERS, type ModelProviderFake, startModelProviderFake } from '#test/support/model-provider-fakes';
import { apiClient, type RuntimeProcess, startRuntimeProcess } from '#test/support/runtime-process';
import { startWebhookReceiver, type WebhookReceiver } from '#test/support/webhook-receiver';

// The runtime runs as a separate process; starting it takes seconds.
jest.setTimeout(60_000);

/** Long enough for a stray duplicate to have arrived; the offline answer takes well under this. */
const QUIET_MS = 1_500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const PROVIDERS: readonly ModelProvider[] = ['offline', ...FAKED_PROVIDERS];

/** What `npm start` says it answers from. */
const BANNER_MODEL: Record<ModelProvider, string> = {
  offline: '(model: offline)',
  openai: '(model: OpenAI-compatible gpt-4o-mini)',
  // The region is the SDK's (AWS_REGION, as fakeBedrockEnv sets it), not dynalite's us-east-1.
  bedrock: '(model: Amazon Bedrock us.amazon.nova-lite-v1:0 (eu-central-1))',
};

describe.each(PROVIDERS)('the V2 message pipeline on the local runtime, answering from %s', (provider) => {
  let model: ModelProviderFake;
  let runtime: RuntimeProcess;
  let receiver: WebhookReceiver;
  let api: ReturnType<typeof apiClient>;
  let ai: { id: string; webhook_secret: string };

  beforeAll(async () => {
    [model, receiver] = await Promise.all([startModelProviderFake(provider), startWebhookReceiver()]);
    runtime = await startRuntimeProcess({ env: model.env });
    api = apiClient(runtime);
    const created = await api('POST', '/v1/ais', {
      type: 'support',
      name: 'Ada',
      webhooks: { answer_url: receiver.url },
    });
    expect(created.status).toBe(201);
    ai = created.body;
  });

  afterAll(async () => {
    await runtime?.stop();
    await Promise.all([receiver?.stop(), model?.stop()]);
  });

  it('says which model it answers from when it starts', () => {
    expect(runtime.output()).toContain(BANNER_MODEL[provider]);
  });

  it('delivers exactly one signed message.answered and keeps both messages in the conversation', async () => {
    const posted = await api('POST', '/v2/messages', {
      ai_id: ai.id,
      conversation_id: '+15550100',
      message: 'Hello! What are your opening hours?',
      contact: { first_name: 'Grace', phone: '+15550100' },
      channel: 'sms',
      metadata: { crm_id: 'c-42' },
    });

    expect(posted.status).toBe(202);
    expect(posted.body).toEqual({ message_id: expect.any(String), conversation_id: '+15550100', status: 'queued' });
    const [webhook] = await receiver.waitFor(1, 10_000);
    await sleep(QUIET_MS);
    expect(receiver.received).toHaveLength(1);
    const verified = new Webhook(ai.webhook_secret).verify(webhook?.body ?? '', webhook?.headers ?? {});
    expect(verified).toMatchObject({
      type: 'message.answered',
      event_id: webhook?.headers['webhook-id'],
      ai_id: ai.id,
      conversation_id: '+15550100',
      question: 'Hello! What are your opening hours?',
      contact_name: 'Grace',
      contact_phone: '+15550100',
      channel: 'sms',
      metadata: { crm_id: 'c-42' },
      reply: expect.stringMatching(/\S/),
    });
    const conversation = await api('GET', `/v2/conversations/${encodeURIComponent('+15550100')}`);
    expect(conversation.status).toBe(200);
    expect(conversation.body.messages).toEqual([
      expect.objectContaining({ message_id: posted.body.message_id, direction: 'inbound', status: 'answered' }),
      expect.objectContaining({ direction: 'outbound', kind: 'reply', text: (verified as { reply: string }).reply }),
    ]);
    if (provider !== 'offline') {
      // The answer came from the model, which was asked the question.
      expect(model.prompts().map((prompt) => prompt.lastUser)).toEqual([
        expect.stringContaining('Hello! What are your opening hours?'),
      ]);
      expect(verified).toMatchObject({ reply: 'Thanks for your message! (fake model)' });
    }
  });

  it('returns the first response for a repeated Idempotency-Key and body, and creates nothing new', async () => {
    receiver.received.length = 0;
    const body = { ai_id: ai.id, conversation_id: 'idem@example.com', message: 'Is there a free trial?' };

    const first = await api('POST', '/v2/messages', body, { 'idempotency-key': 'zap-run-1' });
    const again = await api('POST', '/v2/messages', body, { 'idempotency-key': 'zap-run-1' });

    expect(again.status).toBe(first.status);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    await receiver.waitFor(1, 10_000);
    await sleep(QUIET_MS);
    expect(receiver.received).toHaveLength(1);
    const conversation = await api('GET', '/v2/conversations/idem%40example.com');
    expect(conversation.body.messages.filter((m: { direction: string }) => m.direction === 'inbound')).toHaveLength(1);
  });

  it('refuses the same Idempotency-Key with a different body with a 409', async () => {
    const key = { 'idempotency-key': 'zap-run-2' };
    await api('POST', '/v2/messages', { ai_id: ai.id, conversation_id: 'c-409', message: 'first' }, key);

    const conflict = await api(
      'POST',
      '/v2/messages',
      { ai_id: ai.id, conversation_id: 'c-409', message: 'second' },
      key,
    );

    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('conflict');
  });

  it('answers bad input with a 4xx naming the field, and writes nothing', async () => {
    const cases: [unknown, number, string][] = [
      ['{not json', 400, 'body'],
      [{ ai_id: ai.id, conversation_id: 'bad-1' }, 400, 'message'],
      [{ ai_id: ai.id, conversation_id: 'bad-1', message: 'hi', surprise: true }, 400, 'surprise'],
      [{ ai_id: ai.id, conversation_id: 'bad-1', message: 42 }, 400, 'message'],
      [{ ai_id: ai.id, conversation_id: 'bad-1', message: 'hi', contact: { email: 'nope' } }, 400, 'contact.email'],
      [{ ai_id: 'ai_does_not_exist', conversation_id: 'bad-1', message: 'hi' }, 404, 'ai_id'],
    ];

    for (const [body, status, path] of cases) {
      const response = await api('POST', '/v2/messages', body);
      expect([response.status, response.body.error.details.map((d: { path: string }) => d.path)]).toEqual([
        status,
        expect.arrayContaining([path]),
      ]);
    }
    expect((await api('GET', '/v2/conversations/bad-1')).status).toBe(404);
  });

  it('refuses a body over the size limit with a 413', async () => {
    const response = await api('POST', '/v2/messages', {
      ai_id: ai.id,
      conversation_id: 'big',
      message: 'x'.repeat(MAX_BODY_BYTES),
    });

    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('payload_too_large');
  });

  it('gives another tenant nothing of this one', async () => {
    const stranger = apiClient({ url: runtime.url, apiKey: 'prly_not_a_key_of_anyone_here' });

    const response = await stranger('GET', '/v1/ais');

    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('unauthorized');
  });
});
