import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import OpenAI from 'openai';
import {
  MALFORMED_OUTPUT_RETRIES,
  OpenAiChatModel,
  retryAfterMsOf,
  SDK_MAX_RETRIES,
} from '#lib/adapters/openai/openai-chat-model';
import { REQUEST_NOW, SALES_EMAIL_REQUEST } from '#test/support/reply-request';
import { MalformedModelOutputError, ModelBusyError, ModelUnavailableError } from '#lib/domain/reply';
import { parleyReplyContent, startFakeOpenAi, type FakeOpenAi } from '#test/support/fake-openai';

const NOW = REQUEST_NOW;
const MODEL = 'gpt-test-mini';

const request = SALES_EMAIL_REQUEST;

describe('OpenAiChatModel against a fake OpenAI server', () => {
  let fake: FakeOpenAi;
  let model: OpenAiChatModel;

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    // Only loopback: the client is pointed at the fake, with a short timeout and one SDK retry.
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: fake.baseUrl, maxRetries: 1, timeout: 2_000 });
    model = new OpenAiChatModel({ model: MODEL, client });
  });

  afterEach(() => {
    fake.requests.length = 0;
    fake.setResponder(() => ({ content: parleyReplyContent() }));
  });

  afterAll(async () => {
    await fake.stop();
  });

  it("returns the parsed reply of a valid completion, with the completion's token usage", async () => {
    const content = parleyReplyContent({ reply: 'Yes, we ship to Canada.', language: 'en' });
    fake.setResponder(() => ({ content }));

    const reply = await model.generateReply(request);

    expect(reply).toEqual({
      text: 'Yes, we ship to Canada.',
      needsHuman: false,
      reason: null,
      followUpAt: null,
      language: 'en',
      confidence: 'high',
      escalation: 'none',
      citations: [],
      // The fake counts 100 prompt tokens and a quarter of the content's length as completion tokens.
      usage: { inputTokens: 100, outputTokens: Math.ceil(content.length / 4) },
    });
  });

  it('sends the model, the system prompt, the delimited prospect text and a strict json_schema format', async () => {
    await model.generateReply(request);

    const [sent] = fake.requests;
    expect(sent?.model).toBe(MODEL);
    expect(sent?.messages[0]).toMatchObject({ role: 'system', content: expect.stringContaining('Your name is Ava.') });
    expect(sent?.messages[0]?.content).toContain('Always mention the free trial.');
    expect(sent?.messages.at(-1)).toEqual({
      role: 'user',
      content: `<prospect at="${NOW}">\nDo you ship to Canada?\n</prospect>`,
    });
    expect(sent?.temperature).toBeLessThanOrEqual(0.3);
    expect(sent?.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'parley_reply', strict: true },
    });
  });

  it('sends a schema that OpenAI strict mode accepts', async () => {
    await model.generateReply(request);

    const format = fake.requests[0]?.response_format;
    const schema = format?.type === 'json_schema' ? format.json_schema.schema : undefined;
    expect(schema).toMatchObject({ type: 'object', additionalProperties: false });
    const properties = Object.keys((schema?.properties ?? {}) as Record<string, unknown>);
    // Whether the knowledge covers the question is decided first: the model writes fields in order.
    expect(properties[0]).toBe('knowledge_covers');
    expect([...properties].sort()).toEqual([
      'citations',
      'confidence',
      'escalation',
      'follow_up_at',
      'knowledge_covers',
      'language',
      'needs_human',
      'reason',
      'reply',
    ]);
    expect([...((schema?.required ?? []) as string[])].sort()).toEqual([...properties].sort());
    expect(JSON.stringify(schema)).not.toMatch(/minLength|maxLength/);
  });

  it('reads a reply saying the knowledge does not cover the question as an abstention, whatever else it claims', async () => {
    fake.setResponder(() => ({
      content: parleyReplyContent({
        knowledge_covers: false,
        reply: 'I do not know; a colleague will get back to you.',
        confidence: 'high',
        escalation: 'none',
        citations: [1],
      }),
    }));

    const reply = await model.generateReply(request);

    expect(reply).toMatchObject({ escalation: 'unanswerable', needsHuman: true, confidence: 'low', citations: [] });
  });

  it('asks once more when the first output is malformed, and returns the valid second one', async () => {
    const answers = [{ content: 'not json' }, { content: parleyReplyContent({ reply: 'Second time lucky.' }) }];
    fake.setResponder(() => answers.shift() ?? { content: parleyReplyContent() });

    const reply = await model.generateReply(request);

    expect(reply.text).toBe('Second time lucky.');
    expect(fake.requests).toHaveLength(1 + MALFORMED_OUTPUT_RETRIES);
  });

  it.each([
    ['text that is not JSON', { content: 'Sure! Here is my answer.' }],
    ['JSON of the wrong shape', { content: JSON.stringify({ reply: 'Hi', extra: true }) }],
    ['an empty reply', { content: parleyReplyContent({ reply: '   ' }) }],
    ['an empty content', { content: '' }],
    ['a refusal', { refusal: 'I cannot help with that.' }],
  ])('throws MalformedModelOutputError when the output is %s twice', async (_label, answer) => {
    fake.setResponder(() => answer);

    await expect(model.generateReply(request)).rejects.toBeInstanceOf(MalformedModelOutputError);
    expect(fake.requests).toHaveLength(1 + MALFORMED_OUTPUT_RETRIES);
  });

  it('lets the SDK retry a server error and returns the reply that follows', async () => {
    const answers = [{ status: 500, headers: { 'retry-after-ms': '10' } }];
    fake.setResponder(() => answers.shift() ?? { content: parleyReplyContent({ reply: 'After the outage.' }) });

    const reply = await model.generateReply(request);

    expect(reply.text).toBe('After the outage.');
    expect(fake.requests).toHaveLength(2);
  });

  it.each([
    [401, 'invalid_api_key', 'Incorrect API key provided: sk-revo*****************abcd.'],
    [403, 'unsupported_country_region_territory', 'Country, region, or territory not supported.'],
  ])(
    'reports a refused key (%i) as ModelUnavailableError at once, without retrying or quoting the key',
    async (status, code, message) => {
      fake.setResponder(() => ({
        status,
        body: { error: { message, type: 'invalid_request_error', param: null, code } },
      }));

      const error = await model.generateReply(request).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(ModelUnavailableError);
      expect((error as Error).message).toBe(`the model's provider refused the key (HTTP ${status})`);
      expect((error as Error).cause).toBeInstanceOf(OpenAI.APIError);
      expect(fake.requests).toHaveLength(1);
    },
  );

  it('reports a rate limit that outlasts the retries as ModelBusyError, with its Retry-After', async () => {
    fake.setResponder(() => ({ status: 429, headers: { 'retry-after-ms': '10' } }));

    const error = await model.generateReply(request).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ModelBusyError);
    expect((error as ModelBusyError).retryAfterMs).toBe(10);
    expect((error as Error).cause).toBeInstanceOf(OpenAI.RateLimitError);
    expect(fake.requests).toHaveLength(2);
  });

  it('reports a 400 as the SDK error it is: asking again cannot help', async () => {
    fake.setResponder(() => ({
      status: 400,
      body: { error: { message: 'bad request', type: 'invalid_request_error' } },
    }));

    await expect(model.generateReply(request)).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  });
});

describe('OpenAiChatModel built from options', () => {
  it('asks once and reports a 503 with Retry-After in seconds as ModelBusyError, leaving the wait to its caller', async () => {
    const fake = await startFakeOpenAi({ respond: () => ({ status: 503, headers: { 'retry-after': '7' } }) });
    try {
      const model = new OpenAiChatModel({ model: MODEL, apiKey: 'sk-test', baseUrl: fake.baseUrl, timeoutMs: 2_000 });

      const error = await model.generateReply(request).catch((e: unknown) => e);

      expect(SDK_MAX_RETRIES).toBe(0);
      expect(error).toBeInstanceOf(ModelBusyError);
      expect((error as ModelBusyError).retryAfterMs).toBe(7_000);
      expect(fake.requests).toHaveLength(1);
    } finally {
      await fake.stop();
    }
  });

  it('reports a model that does not answer in time as ModelBusyError without a Retry-After', async () => {
    const fake = await startFakeOpenAi({ delayMs: 5_000 });
    try {
      const model = new OpenAiChatModel({ model: MODEL, apiKey: 'sk-test', baseUrl: fake.baseUrl, timeoutMs: 100 });

      const error = await model.generateReply(request).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(ModelBusyError);
      expect((error as ModelBusyError).retryAfterMs).toBeUndefined();
    } finally {
      await fake.stop();
    }
  });
});

describe('retryAfterMsOf', () => {
  const NOW_MS = Date.parse('2025-03-04T10:00:00.000Z');
  it.each([
    ['retry-after-ms wins over retry-after', { 'retry-after-ms': '1500', 'retry-after': '9' }, 1_500],
    ['retry-after in seconds', { 'retry-after': '3' }, 3_000],
    ['retry-after as an HTTP date', { 'retry-after': 'Tue, 04 Mar 2025 10:00:30 GMT' }, 30_000],
    ['a date in the past is no wait', { 'retry-after': 'Tue, 04 Mar 2025 09:00:00 GMT' }, 0],
    ['nothing readable', { 'retry-after': 'soon' }, undefined],
    ['no header', {}, undefined],
  ])('reads %s', (_label, headers, expected) => {
    expect(retryAfterMsOf(new Headers(headers as Record<string, string>), NOW_MS)).toBe(expected);
  });
});

describe('startFakeOpenAi', () => {
  it('holds requests while hung and answers them on release', async () => {
    const fake = await startFakeOpenAi();
    const model = new OpenAiChatModel({ model: MODEL, apiKey: 'sk-test', baseUrl: fake.baseUrl, timeoutMs: 5_000 });
    try {
      fake.hang();
      let answered = false;
      const answering = model.generateReply(request).then((reply) => {
        answered = true;
        return reply;
      });
      await waitFor(() => fake.requests.length === 1);
      const answeredWhileHung = answered;

      fake.release();
      const reply = await answering;

      expect(answeredWhileHung).toBe(false);
      expect(reply.text).toBe('Thanks for your message! (fake model)');
    } finally {
      await fake.stop();
    }
  });

  it('answers after the configured delay, and drops a delayed request when stopped', async () => {
    const fake = await startFakeOpenAi({ delayMs: 20 });
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: fake.baseUrl, maxRetries: 0, timeout: 5_000 });
    const model = new OpenAiChatModel({ model: MODEL, client });

    const delayed = await model.generateReply(request);
    fake.setDelay(60_000);
    const neverAnswered = model.generateReply(request);
    await waitFor(() => fake.requests.length === 2);
    await fake.stop();

    expect(delayed.text).toBe('Thanks for your message! (fake model)');
    const error = await neverAnswered.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelBusyError);
    expect((error as Error).cause).toBeInstanceOf(OpenAI.APIConnectionError);
  });

  it('drops hung requests when stopped, so the caller sees a dropped connection (a busy model)', async () => {
    const fake = await startFakeOpenAi();
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: fake.baseUrl, maxRetries: 0, timeout: 5_000 });
    const model = new OpenAiChatModel({ model: MODEL, client });
    fake.hang();
    const answering = model.generateReply(request);
    await waitFor(() => fake.requests.length === 1);

    await fake.stop();

    const error = await answering.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelBusyError);
    expect((error as Error).cause).toBeInstanceOf(OpenAI.APIConnectionError);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!condition()) throw new Error('condition not met in time');
}
