import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { FetchWebhookSender, parseRetryAfter, signWebhook } from '#lib/adapters/http/webhook-sender';
import type { WebhookRequest } from '#lib/ports/deliveries';
import { type WebhookReceiver, startWebhookReceiver } from '#test/support/webhook-receiver';

const secret = `whsec_${randomBytes(24).toString('base64')}`;
// The receiver listens on loopback, which only the local runtime's policy may call.
const sender = new FetchWebhookSender({ policy: 'local' });

function webhookTo(url: string, overrides: Partial<WebhookRequest> = {}): WebhookRequest {
  return {
    url,
    eventId: 'evt_01jtest',
    body: JSON.stringify({ type: 'message.answered', data: { answer: 'Hello, Ada — yes, we ship to Lyon.' } }),
    secret,
    timestamp: new Date(),
    timeoutMs: 2_000,
    ...overrides,
  };
}

describe('signWebhook', () => {
  it('matches the Standard Webhooks reference signature', () => {
    const signature = signWebhook(
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      1614265330,
      '{"test": 2432232314}',
    );

    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2025-06-01T12:00:00Z');

  it.each([
    ['7', 7],
    [' 120 ', 120],
    ['Sun, 01 Jun 2025 12:00:30 GMT', 30],
    ['Sun, 01 Jun 2025 11:00:00 GMT', 0],
    ['soon', undefined],
    ['-5', undefined],
    [null, undefined],
  ])('reads %p as %p seconds', (header, seconds) => {
    expect(parseRetryAfter(header, now)).toBe(seconds);
  });
});

describe('FetchWebhookSender', () => {
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await receiver.stop();
  });
  beforeEach(() => {
    receiver.received.length = 0;
    receiver.setResponder(() => ({ status: 200, body: 'ok' }));
  });

  it('signs each webhook so that the standardwebhooks library verifies it', async () => {
    const request = webhookTo(receiver.url);

    const result = await sender.send(request);

    const webhook = (await receiver.waitFor(1))[0]!;
    expect(result).toEqual({ ok: true, statusCode: 200 });
    expect(new Webhook(secret).verify(webhook.body, webhook.headers)).toEqual(JSON.parse(request.body));
  });

  it('POSTs the body unchanged with the Standard Webhooks headers', async () => {
    const timestamp = new Date('2025-06-01T12:00:00.750Z');
    const request = webhookTo(receiver.url, { timestamp });

    await sender.send(request);

    const webhook = (await receiver.waitFor(1))[0]!;
    expect(webhook.method).toBe('POST');
    expect(webhook.path).toBe('/hook');
    expect(webhook.body).toBe(request.body);
    expect(webhook.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Parley-Webhooks/1.0',
      'webhook-id': 'evt_01jtest',
      'webhook-timestamp': '1748779200',
      'webhook-signature': signWebhook(secret, 'evt_01jtest', 1748779200, request.body),
    });
  });

  it('reports any 2xx as delivered', async () => {
    receiver.setResponder(() => ({ status: 204 }));

    const result = await sender.send(webhookTo(receiver.url));

    expect(result).toEqual({ ok: true, statusCode: 204 });
  });

  it('reports a 500 as failed with the status and the start of the response body', async () => {
    receiver.setResponder(() => ({ status: 500, body: `database down\n${'x'.repeat(500)}` }));

    const result = await sender.send(webhookTo(receiver.url));

    expect(result).toEqual({ ok: false, statusCode: 500, error: `HTTP 500: database down ${'x'.repeat(186)}` });
  });

  it('passes on Retry-After from a 429', async () => {
    receiver.setResponder(() => ({ status: 429, headers: { 'retry-after': '7' } }));

    const result = await sender.send(webhookTo(receiver.url));

    expect(result).toEqual({ ok: false, statusCode: 429, error: 'HTTP 429', retryAfterSeconds: 7 });
  });

  it('passes on a Retry-After date from a 503', async () => {
    const timestamp = new Date(Math.floor(Date.now() / 1000) * 1000);
    const retryAt = new Date(timestamp.getTime() + 60_000);
    receiver.setResponder(() => ({ status: 503, headers: { 'retry-after': retryAt.toUTCString() } }));

    const result = await sender.send(webhookTo(receiver.url, { timestamp }));

    expect(result).toMatchObject({ ok: false, statusCode: 503, retryAfterSeconds: 60 });
  });

  it('ignores Retry-After on other failures', async () => {
    receiver.setResponder(() => ({ status: 500, headers: { 'retry-after': '7' } }));

    const result = await sender.send(webhookTo(receiver.url));

    expect(result).not.toHaveProperty('retryAfterSeconds');
  });

  it('does not follow a redirect', async () => {
    const target = await startWebhookReceiver();
    receiver.setResponder(() => ({ status: 302, headers: { location: target.url } }));

    const result = await sender.send(webhookTo(receiver.url));

    await target.stop();
    expect(result).toEqual({ ok: false, statusCode: 302, error: 'HTTP 302' });
    expect(target.received).toHaveLength(0);
  });

  it('gives up on a receiver that never answers after the timeout', async () => {
    receiver.setResponder(() => 'hang');
    const started = Date.now();

    const result = await sender.send(webhookTo(receiver.url, { timeoutMs: 200 }));

    expect(result).toEqual({ ok: false, error: 'timeout after 200 ms' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('reports a refused connection as failed', async () => {
    const closedUrl = await urlOfClosedPort();

    const result = await sender.send(webhookTo(closedUrl));

    expect(result).toMatchObject({ ok: false, error: expect.stringContaining('ECONNREFUSED') });
    expect(result).not.toHaveProperty('statusCode');
  });
});

/** A loopback URL on a port that was free a moment ago and has nothing listening. */
async function urlOfClosedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/hook`;
}
