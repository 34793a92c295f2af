import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { SafeUrlFetcher } from '#lib/adapters/http/url-fetcher';
import { UnreadableDocumentError } from '#lib/domain/errors';
import { MAX_URL_REDIRECTS, URL_FETCH_TIMEOUT_MS } from '#lib/domain/limits/knowledge';

const page = '<!doctype html><title>Opening hours</title><p>We are open Monday to Friday, 9:00 to 17:30.</p>';

/** What the loopback site answers on each path; anything else is a 404. */
const routes: Record<string, (res: ServerResponse) => void> = {
  '/hours': (res) => {
    res.writeHead(200, { 'content-type': 'Text/HTML; charset=utf-8' });
    res.end(page);
  },
  '/moved': (res) => {
    res.writeHead(301, { location: '/hours' });
    res.end();
  },
  '/loop': (res) => {
    res.writeHead(302, { location: '/loop' });
    res.end();
  },
  '/to-metadata': (res) => {
    res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
    res.end();
  },
  '/to-intranet': (res) => {
    res.writeHead(307, { location: 'http://intranet.acme.test/wiki' });
    res.end();
  },
  '/gzipped': (res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
    res.end(gzipSync('Gift wrapping costs €3.50.'));
  },
  '/untyped.pdf': (res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end('%PDF-1.7\n');
  },
  '/large': (res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '5000' });
    res.end('x'.repeat(5000));
  },
  '/large-unannounced': (res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    for (let i = 0; i < 10; i++) res.write('y'.repeat(500));
    res.end();
  },
  '/slow': () => {
    // Never answers.
  },
};

// `/chain/n` redirects n times before the page: `/chain/n` → `/chain/n-1` → … → `/chain/0`.
routes['/chain/0'] = routes['/hours'] as (res: ServerResponse) => void;
for (let n = 1; n <= MAX_URL_REDIRECTS + 1; n++) {
  routes[`/chain/${n}`] = (res) => {
    res.writeHead(302, { location: `/chain/${n - 1}` });
    res.end();
  };
}

/** Slack for the default timeout's test: the fetch must have given up by then. */
const TIMEOUT_SLACK_MS = 5_000;

let server: Server;
let origin: string;
const received: Array<{ path: string; headers: IncomingHttpHeaders }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    received.push({ path: req.url ?? '', headers: req.headers });
    const route = routes[req.url ?? ''];
    if (route) return route(res);
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not here');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Host names the tests make up, resolved without DNS. */
function fakeDns(names: Record<string, string[]>) {
  return async (hostname: string) => {
    const addresses = names[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

async function failureOf(promise: Promise<unknown>): Promise<UnreadableDocumentError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UnreadableDocumentError);
  return error as UnreadableDocumentError;
}

describe('SafeUrlFetcher', () => {
  it('fetches a page on loopback under the local policy, with its media type and final URL', async () => {
    const fetcher = new SafeUrlFetcher({ policy: 'local' });

    const resource = await fetcher.fetch(`${origin}/hours`);

    expect(Buffer.from(resource.bytes).toString('utf8')).toBe(page);
    expect(resource.contentType).toBe('text/html');
    expect(resource.url).toBe(`${origin}/hours`);
  });

  it('identifies itself and says what it can read', async () => {
    const fetcher = new SafeUrlFetcher({ policy: 'local' });

    await fetcher.fetch(`${origin}/hours`);

    const { headers } = received.at(-1)!;
    expect(headers['user-agent']).toBe('Parley-KnowledgeFetcher/1.0');
    expect(headers.accept).toContain('text/html');
    expect(headers.accept).toContain('application/pdf');
  });

  it('refuses loopback under the public and private policies before connecting', async () => {
    const before = received.length;

    const publicError = await failureOf(new SafeUrlFetcher({ policy: 'public' }).fetch(`${origin}/hours`));
    const privateError = await failureOf(new SafeUrlFetcher({ policy: 'private' }).fetch(`${origin}/hours`));

    expect(publicError.message).toBe("the URL's host 127.0.0.1 is a loopback address");
    expect(privateError.message).toBe("the URL's host 127.0.0.1 is a loopback address");
    expect(received.length).toBe(before);
  });

  it('refuses a host name that resolves to a private address under the public policy', async () => {
    const fetcher = new SafeUrlFetcher({ policy: 'public', resolve: fakeDns({ 'intranet.acme.test': ['10.0.0.1'] }) });

    const error = await failureOf(fetcher.fetch('https://intranet.acme.test/wiki'));

    expect(error.message).toBe('intranet.acme.test resolves to a private address (10.0.0.1)');
  });

  it.each([
    ['2002:a00:1::1', 'a private address'],
    ['::a00:1', 'a private address'],
    ['64:ff9b::7f00:1', 'a loopback address'],
    ['::ffff:a9fe:a9fe', 'a cloud metadata address'],
  ])(
    'refuses a host name resolving to %s, an IPv6 form of an IPv4 address, under the public policy',
    async (address, what) => {
      const fetcher = new SafeUrlFetcher({ policy: 'public', resolve: fakeDns({ 'intranet.acme.test': [address] }) });

      const error = await failureOf(fetcher.fetch('https://intranet.acme.test/wiki'));

      expect(error.message).toBe(`intranet.acme.test resolves to ${what} (${address})`);
    },
  );

  it('refuses a host name when any one of its addresses is refused', async () => {
    const resolve = fakeDns({ 'mixed.acme.test': ['93.184.216.34', '169.254.169.254'] });
    const fetcher = new SafeUrlFetcher({ policy: 'public', resolve });

    const error = await failureOf(fetcher.fetch('http://mixed.acme.test/'));

    expect(error.message).toBe('mixed.acme.test resolves to a cloud metadata address (169.254.169.254)');
  });

  it('connects to the address the checked lookup returned', async () => {
    const { port } = new URL(origin);
    const fetcher = new SafeUrlFetcher({ policy: 'local', resolve: fakeDns({ 'docs.acme.test': ['127.0.0.1'] }) });

    const resource = await fetcher.fetch(`http://docs.acme.test:${port}/hours`);

    expect(Buffer.from(resource.bytes).toString('utf8')).toBe(page);
    expect(received.at(-1)!.headers.host).toBe(`docs.acme.test:${port}`);
  });

  it('refuses plain http under the public policy when http is not allowed', async () => {
    const fetcher = new SafeUrlFetcher({ policy: 'public', allowHttp: false, resolve: fakeDns({}) });

    const error = await failureOf(fetcher.fetch('http://docs.acme.test/hours'));

    expect(error.message).toBe('the URL must use https');
  });

  it('says when a host name does not exist', async () => {
    const fetcher = new SafeUrlFetcher({ policy: 'public', resolve: fakeDns({}) });

    const error = await failureOf(fetcher.fetch('https://nowhere.acme.test/'));

    expect(error.message).toBe('the host nowhere.acme.test was not found');
  });

  it.each([
    ['ftp://files.acme.test/price-list.pdf', 'the URL must use http or https'],
    ['https://ada:secret@acme.test/', 'the URL must not contain credentials'],
    ['not a url', 'the URL is not a valid URL'],
  ])('refuses %s', async (url, reason) => {
    const fetcher = new SafeUrlFetcher({ policy: 'public' });

    const error = await failureOf(fetcher.fetch(url));

    expect(error.message).toBe(reason);
  });

  it('follows a redirect and reports the final URL', async () => {
    const fetcher = new SafeUrlFetcher({ policy: 'local' });

    const resource = await fetcher.fetch(`${origin}/moved`);

    expect(resource.url).toBe(`${origin}/hours`);
    expect(Buffer.from(resource.bytes).toString('utf8')).toBe(page);
  });

  it('refuses a redirect to an address that is always refused', async () => {
    const fetcher = new SafeUrlFetcher({ policy: 'local' });

    const error = await failureOf(fetcher.fetch(`${origin}/to-metadata`));

    expect(error.message).toBe(
      "the page redirected to http://169.254.169.254/latest/meta-data/, but that URL's host 169.254.169.254 is a cloud metadata address",
    );
  });

  it('checks the addresses of the host name a redirect points to', async () => {
    const resolve = fakeDns({ 'intranet.acme.test': ['169.254.169.254'] });
    const fetcher = new SafeUrlFetcher({ policy: 'local', resolve });

    const error = await failureOf(fetcher.fetch(`${origin}/to-intranet`));

    expect(error.message).toBe('intranet.acme.test resolves to a cloud metadata address (169.254.169.254)');
  });

  it('gives up after too many redirects', async () => {
    const fetcher = new SafeUrlFetcher({ policy: 'local', maxRedirects: 2 });

    const error = await failureOf(fetcher.fetch(`${origin}/loop`));

    expect(error.message).toBe('the page redirected more than 2 times');
  });

  it('refuses a body whose announced length is over the limit', async () => {
    const fetcher = new SafeUrlFetcher({ policy: 'local', maxBytes: 1024 });

    const error = await failureOf(fetcher.fetch(`${origin}/large`));

    expect(error.message).toBe('the page is larger than 1 KB');
  });

  it('stops reading a body without a length once it passes the limit', async () => {
    const fetcher = new SafeUrlFetcher({ policy: 'local', maxBytes: 1024 });

    const error = await failureOf(fetcher.fetch(`${origin}/large-unannounced`));

    expect(error.message).toBe('the page is larger than 1 KB');
  });

  it('gives up on a page that does not answer in time', async () => {
    const fetcher = new SafeUrlFetcher({ policy: 'local', timeoutMs: 200 });

    const error = await failureOf(fetcher.fetch(`${origin}/slow`));

    expect(error.message).toBe('the page did not load within 200 ms');
  });

  it(`follows ${MAX_URL_REDIRECTS} redirects by default, and refuses one more`, async () => {
    const fetcher = new SafeUrlFetcher({ policy: 'local' });

    const resource = await fetcher.fetch(`${origin}/chain/${MAX_URL_REDIRECTS}`);
    const error = await failureOf(fetcher.fetch(`${origin}/chain/${MAX_URL_REDIRECTS + 1}`));

    expect(resource.url).toBe(`${origin}/chain/0`);
    expect(error.message).toBe(`the page redirected more than ${MAX_URL_REDIRECTS} times`);
  });

  it(
    `gives up on a page after ${URL_FETCH_TIMEOUT_MS} ms by default`,
    async () => {
      const fetcher = new SafeUrlFetcher({ policy: 'local' });
      const started = Date.now();

      const error = await failureOf(fetcher.fetch(`${origin}/slow`));

      expect(Date.now() - started).toBeGreaterThanOrEqual(URL_FETCH_TIMEOUT_MS - 50);
      expect(error.message).toBe(`the page did not load within ${URL_FETCH_TIMEOUT_MS / 1000} seconds`);
    },
    URL_FETCH_TIMEOUT_MS + TIMEOUT_SLACK_MS,
  );

  it('reports the status of a page that is not there', async () => {
    const fetcher = new SafeUrlFetcher({ policy: 'local' });

    const error = await failureOf(fetcher.fetch(`${origin}/gone`));

    expect(error.message).toBe('the page answered 404');
  });

  it('decompresses a gzipped body', async () => {
    const fetcher = new SafeUrlFetcher({ policy: 'local' });

    const resource = await fetcher.fetch(`${origin}/gzipped`);

    expect(Buffer.from(resource.bytes).toString('utf8')).toBe('Gift wrapping costs €3.50.');
    expect(resource.contentType).toBe('text/plain');
  });

  it('recognises a PDF served without a useful media type', async () => {
    const fetcher = new SafeUrlFetcher({ policy: 'local' });

    const resource = await fetcher.fetch(`${origin}/untyped.pdf`);

    expect(resource.contentType).toBe('application/pdf');
  });
});
