/**
 * A real HTTP server on loopback that records the webhooks it receives and answers as each test
 * says: the receiving end of the webhook sender in integration and e2e tests.
 */
import { type IncomingMessage, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  method: string;
  path: string;
  /** Lower-cased header names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  body: string;
  /** The body parsed as JSON, or undefined if it is not JSON. */
  json: unknown;
  /** Epoch milliseconds when the body had arrived. */
  at: number;
}

export interface WebhookResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** Decides the answer to a request; return `'hang'` to never answer (for timeout tests). */
export type WebhookResponder = (
  request: ReceivedWebhook,
) => WebhookResponse | 'hang' | Promise<WebhookResponse | 'hang'>;

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>/hook`; any other path on the same origin is recorded too. */
  url: string;
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  received: ReceivedWebhook[];
  /** Resolves with the received requests once there are at least `count`; rejects after `timeoutMs` (default 2000). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  setResponder(responder: WebhookResponder): void;
  /** Closes the server and every connection, including ones left hanging. */
  stop(): Promise<void>;
}

const ok: WebhookResponder = () => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: '{"ok":true}',
});

export async function startWebhookReceiver(options: { respond?: WebhookResponder } = {}): Promise<WebhookReceiver> {
  let responder = options.respond ?? ok;
  const received: ReceivedWebhook[] = [];
  let waiters: Array<() => void> = [];

  const server = createServer((req, res) => {
    void readBody(req)
      .then(async (body) => {
        const webhook: ReceivedWebhook = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: flattenHeaders(req),
          body,
          json: parseJson(body),
          at: Date.now(),
        };
        received.push(webhook);
        for (const wake of waiters) wake();
        const answer = await Promise.resolve(responder(webhook)).catch(
          (error: unknown): WebhookResponse => ({ status: 500, body: String(error) }),
        );
        if (answer === 'hang') return;
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body ?? '');
      })
      .catch(() => {
        // The sender went away mid-request (a timeout test): nothing to answer.
        res.destroy();
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/hook`,
    origin,
    received,
    waitFor(count, timeoutMs = 2_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          if (received.length < count) return false;
          clearTimeout(timer);
          waiters = waiters.filter((w) => w !== check);
          resolve(received.slice());
          return true;
        };
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== check);
          reject(
            new Error(`webhook receiver: expected ${count} requests within ${timeoutMs} ms, got ${received.length}`),
          );
        }, timeoutMs);
        if (!check()) waiters.push(check);
      });
    },
    setResponder(next) {
      responder = next;
    },
    stop() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
