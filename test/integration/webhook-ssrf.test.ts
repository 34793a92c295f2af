import type { LookupAddress } from 'node:dns';
import { createSafeLookup, RefusedAddressError, type ResolveHost } from '#lib/adapters/http/safe-lookup';
import { FetchWebhookSender } from '#lib/adapters/http/webhook-sender';
import type { WebhookRequest } from '#lib/ports/deliveries';
import { startWebhookReceiver, type WebhookReceiver } from '#test/support/webhook-receiver';

/** Host names the tests make up, resolved without DNS; each name may answer differently on each call. */
function fakeDns(names: Record<string, string[] | string[][]>) {
  const calls: string[] = [];
  const resolve: ResolveHost = async (hostname) => {
    const answers = names[hostname];
    const call = calls.filter((name) => name === hostname).length;
    calls.push(hostname);
    if (!answers) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    const answer = (Array.isArray(answers[0]) ? (answers as string[][])[call] : answers) as string[];
    return (answer ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { resolve, calls };
}

let receiver: WebhookReceiver;
let port: string;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  port = new URL(receiver.url).port;
});
afterAll(async () => {
  await receiver.stop();
});
beforeEach(() => {
  receiver.received.length = 0;
});

function webhookTo(url: string): WebhookRequest {
  return {
    url,
    eventId: 'evt_01jssrf',
    body: '{"type":"message.answered"}',
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    timestamp: new Date(),
    timeoutMs: 2_000,
  };
}

/** Gives the receiver a moment, so that a request that was wrongly sent would have arrived. */
async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('FetchWebhookSender against SSRF', () => {
  it('delivers to a host name on loopback under the local policy', async () => {
    const { resolve } = fakeDns({ 'hooks.acme.test': ['127.0.0.1'] });
    const sender = new FetchWebhookSender({ policy: 'local', resolve });

    const result = await sender.send(webhookTo(`http://hooks.acme.test:${port}/hook`));

    expect(result).toEqual({ ok: true, statusCode: 200 });
    const [webhook] = await receiver.waitFor(1);
    expect(webhook?.headers.host).toBe(`hooks.acme.test:${port}`);
  });

  /** A host name resolving only to `address` is refused under `policy`, naming `what`, and nothing is sent. */
  async function expectRefusedAtConnect(policy: 'public' | 'private', address: string, what: string): Promise<void> {
    const { resolve } = fakeDns({ 'hooks.acme.test': [address] });
    const sender = new FetchWebhookSender({ policy, allowHttp: true, resolve });

    const result = await sender.send(webhookTo(`http://hooks.acme.test:${port}/hook`));

    await settle();
    expect(result).toEqual({
      ok: false,
      error: `refused: hooks.acme.test resolves to ${what} (${address})`,
      permanent: true,
    });
    expect(receiver.received).toHaveLength(0);
  }

  it.each([
    ['127.0.0.1', 'a loopback address'],
    ['10.0.0.1', 'a private address'],
    ['169.254.169.254', 'a cloud metadata address'],
    ['::ffff:127.0.0.1', 'a loopback address'],
    ['fd00:ec2::254', 'a cloud metadata address'],
    ['fc00::1', 'a private address'],
    // IPv6 forms that reach an IPv4 host: NAT64, IPv4-compatible and 6to4.
    ['64:ff9b::a9fe:a9fe', 'a cloud metadata address'],
    ['::7f00:1', 'a loopback address'],
    ['::a00:1', 'a private address'],
    ['2002:7f00:1::1', 'a loopback address'],
    ['2002:c0a8:101::1', 'a private address'],
    ['2002:a9fe:a9fe::', 'a cloud metadata address'],
  ])('refuses a host name resolving to %s under the public policy, without connecting', (address, what) =>
    expectRefusedAtConnect('public', address, what),
  );

  it('refuses a host name with one public and one private address', async () => {
    const { resolve } = fakeDns({ 'mixed.acme.test': ['93.184.216.34', '10.0.0.1'] });
    const sender = new FetchWebhookSender({ policy: 'public', resolve });

    const result = await sender.send(webhookTo('https://mixed.acme.test/hook'));

    expect(result).toEqual({
      ok: false,
      error: 'refused: mixed.acme.test resolves to a private address (10.0.0.1)',
      permanent: true,
    });
  });

  it('refuses a literal IPv4-mapped loopback address, which never reaches DNS', async () => {
    const { resolve, calls } = fakeDns({});
    const sender = new FetchWebhookSender({ policy: 'public', allowHttp: true, resolve });

    const result = await sender.send(webhookTo(`http://[::ffff:127.0.0.1]:${port}/hook`));

    await settle();
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/^refused: .*loopback/), permanent: true });
    expect(calls).toEqual([]);
    expect(receiver.received).toHaveLength(0);
  });

  it.each([
    ['2002:7f00:1::1', 'a loopback address'],
    ['::ffff:169.254.169.254', 'a cloud metadata address'],
    ['::7f00:1', 'a loopback address'],
  ])('refuses a host name resolving to %s under the private policy, which allows private addresses', (address, what) =>
    expectRefusedAtConnect('private', address, what),
  );

  it('refuses a literal 6to4 address embedding loopback, which never reaches DNS', async () => {
    const { resolve, calls } = fakeDns({});
    const sender = new FetchWebhookSender({ policy: 'public', allowHttp: true, resolve });

    const result = await sender.send(webhookTo(`http://[2002:7f00:1::1]:${port}/hook`));

    await settle();
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/^refused: .*loopback/), permanent: true });
    expect(calls).toEqual([]);
    expect(receiver.received).toHaveLength(0);
  });

  it('refuses loopback under the private policy too', async () => {
    const { resolve } = fakeDns({ 'hooks.acme.test': ['127.0.0.1'] });
    const sender = new FetchWebhookSender({ policy: 'private', allowHttp: true, resolve });

    const result = await sender.send(webhookTo(`http://hooks.acme.test:${port}/hook`));

    await settle();
    expect(result).toMatchObject({ ok: false, permanent: true });
    expect(receiver.received).toHaveLength(0);
  });

  it('connects to the address it checked, not to a later answer (DNS rebinding)', async () => {
    // Nothing listens on 127.0.0.2: a connection made after a second resolution would be refused.
    const { resolve, calls } = fakeDns({ 'rebind.acme.test': [['127.0.0.1'], ['127.0.0.2']] });
    const sender = new FetchWebhookSender({ policy: 'local', resolve });

    const result = await sender.send(webhookTo(`http://rebind.acme.test:${port}/hook`));

    expect(result).toEqual({ ok: true, statusCode: 200 });
    expect(calls).toEqual(['rebind.acme.test']);
    expect(receiver.received).toHaveLength(1);
  });

  it('does not connect when the one resolution it makes is refused, whatever DNS says after', async () => {
    const { resolve, calls } = fakeDns({ 'rebind.acme.test': [['169.254.169.254'], ['127.0.0.1']] });
    const sender = new FetchWebhookSender({ policy: 'local', resolve });

    const result = await sender.send(webhookTo(`http://rebind.acme.test:${port}/hook`));

    await settle();
    expect(result).toMatchObject({ ok: false, permanent: true });
    expect(calls).toEqual(['rebind.acme.test']);
    expect(receiver.received).toHaveLength(0);
  });

  it('refuses plain http under the public policy unless http is allowed, before resolving', async () => {
    const { resolve, calls } = fakeDns({ 'hooks.acme.test': ['93.184.216.34'] });
    const sender = new FetchWebhookSender({ policy: 'public', resolve });

    const result = await sender.send(webhookTo('http://hooks.acme.test/hook'));

    expect(result).toEqual({ ok: false, error: 'refused: webhook URL must use https', permanent: true });
    expect(calls).toEqual([]);
  });

  it('sends plain http under the local policy even when http is not allowed', async () => {
    const sender = new FetchWebhookSender({ policy: 'local', allowHttp: false });

    expect(await sender.send(webhookTo(receiver.url))).toEqual({ ok: true, statusCode: 200 });
  });

  it('reports a host name that does not resolve as an ordinary, retryable failure', async () => {
    const sender = new FetchWebhookSender({ policy: 'public', resolve: fakeDns({}).resolve });

    const result = await sender.send(webhookTo('https://nowhere.acme.test/hook'));

    expect(result).toEqual({ ok: false, error: 'the host nowhere.acme.test was not found' });
  });
});

describe('createSafeLookup', () => {
  function lookUp(
    resolve: ResolveHost,
    options: { all?: boolean; family?: number },
  ): Promise<{ address: string | LookupAddress[]; family?: number }> {
    const lookup = createSafeLookup({ policy: 'public', resolve });
    return new Promise((done, fail) => {
      lookup('hooks.acme.test', options, (error, address, family) =>
        error ? fail(error) : done({ address, ...(family === undefined ? {} : { family }) }),
      );
    });
  }

  it('hands the socket exactly the addresses it checked', async () => {
    const { resolve } = fakeDns({ 'hooks.acme.test': ['93.184.216.34', '2606:2800:220:1::1'] });

    expect(await lookUp(resolve, { all: true })).toEqual({
      address: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:2800:220:1::1', family: 6 },
      ],
    });
    expect(await lookUp(resolve, {})).toEqual({ address: '93.184.216.34', family: 4 });
    expect(await lookUp(resolve, { family: 6 })).toEqual({ address: '2606:2800:220:1::1', family: 6 });
  });

  it('fails with RefusedAddressError when any address is refused', async () => {
    const { resolve } = fakeDns({ 'hooks.acme.test': ['93.184.216.34', '169.254.169.254'] });

    await expect(lookUp(resolve, { all: true })).rejects.toBeInstanceOf(RefusedAddressError);
  });
});
