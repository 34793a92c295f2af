/**
 * docs/security.md: a redirect from https to plain http is refused. The document fetcher follows
 * redirects by hand and refuses that hop (even where plain http is otherwise allowed, since the
 * page becomes what an AI tells customers); the webhook sender follows no redirect at all.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SafeUrlFetcher } from '#lib/adapters/http/url-fetcher';
import { FetchWebhookSender } from '#lib/adapters/http/webhook-sender';
import { UnreadableDocumentError } from '#lib/domain/errors';
import { type HttpsServer, startHttpsServer, withCertificateTrusted } from '#test/support/https-server';
import { startWebhookReceiver, type WebhookReceiver } from '#test/support/webhook-receiver';

const PAGE = 'We are open Monday to Friday.';

let https: HttpsServer;
let plain: WebhookReceiver;

beforeAll(async () => {
  plain = await startWebhookReceiver({ respond: () => ({ status: 200, body: PAGE }) });
  https = await startHttpsServer((req: IncomingMessage, res: ServerResponse) => {
    const to = { '/to-http': plain.url, '/to-https': '/page' }[req.url ?? ''];
    if (to !== undefined) res.writeHead(302, { location: to }).end();
    else res.writeHead(200, { 'content-type': 'text/plain' }).end(PAGE);
  });
});
afterAll(async () => {
  await Promise.all([https?.stop(), plain?.stop()]);
});
beforeEach(() => {
  plain.received.length = 0;
});

describe('SafeUrlFetcher over https', () => {
  it('follows a redirect from https to https', async () => {
    const fetcher = new SafeUrlFetcher({ policy: 'local' });

    const resource = await withCertificateTrusted(https, () => fetcher.fetch(`${https.origin}/to-https`));

    expect(resource.url).toBe(`${https.origin}/page`);
    expect(Buffer.from(resource.bytes).toString('utf8')).toBe(PAGE);
  });

  it('refuses a redirect from https to plain http, even where plain http is allowed', async () => {
    const fetcher = new SafeUrlFetcher({ policy: 'local', allowHttp: true });

    const error = await withCertificateTrusted(https, () =>
      fetcher.fetch(`${https.origin}/to-http`).then(
        () => undefined,
        (e: unknown) => e,
      ),
    );

    expect(error).toBeInstanceOf(UnreadableDocumentError);
    expect((error as Error).message).toBe(`the page redirected from https to plain http (${plain.url})`);
    expect(plain.received).toHaveLength(0);
  });
});

describe('FetchWebhookSender over https', () => {
  it('does not follow a redirect from https to plain http: the attempt fails with the 3xx', async () => {
    const sender = new FetchWebhookSender({ policy: 'local' });

    const result = await withCertificateTrusted(https, () =>
      sender.send({
        url: `${https.origin}/to-http`,
        eventId: 'evt_01jredirect',
        body: '{"type":"message.answered"}',
        secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        timestamp: new Date(),
        timeoutMs: 2_000,
      }),
    );

    expect(result).toEqual({ ok: false, statusCode: 302, error: 'HTTP 302' });
    expect(plain.received).toHaveLength(0);
  });
});
