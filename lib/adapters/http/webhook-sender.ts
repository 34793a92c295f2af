/**
 * Sends one webhook attempt, signed per Standard Webhooks (https://www.standardwebhooks.com):
 * `webhook-id`, `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256>`.
 */
import { createHmac } from 'node:crypto';
import type { WebhookRequest, WebhookResult, WebhookSender } from '#lib/ports';

export const DEFAULT_WEBHOOK_USER_AGENT = 'Parley-Webhooks/1.0';

/** How much of a failed response's body is kept for the operator. */
const MAX_ERROR_BODY_CHARS = 200;
/** A Retry-After beyond this is treated as this; the retry schedule decides anyway. */
const MAX_RETRY_AFTER_SECONDS = 24 * 60 * 60;

/**
 * The `webhook-signature` value for a message: `v1,` + base64 HMAC-SHA256 of `{id}.{timestamp}.{body}`,
 * keyed by the base64-decoded part of a `whsec_…` secret (a secret without the prefix is taken
 * as plain base64 too).
 */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`, 'utf8').digest('base64');
  return `v1,${mac}`;
}

/** WebhookSender on the global `fetch` (undici): one POST per call, redirects not followed. */
export class FetchWebhookSender implements WebhookSender {
  private readonly fetch: typeof fetch;
  private readonly userAgent: string;

  constructor(options: { fetch?: typeof fetch; userAgent?: string } = {}) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.userAgent = options.userAgent ?? DEFAULT_WEBHOOK_USER_AGENT;
  }

  async send(request: WebhookRequest): Promise<WebhookResult> {
    const timestamp = Math.floor(request.timestamp.getTime() / 1000);
    let response: Response;
    try {
      response = await this.fetch(request.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': this.userAgent,
          'webhook-id': request.eventId,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signWebhook(request.secret, request.eventId, timestamp, request.body),
        },
        body: request.body,
        // A redirect could lead to an address the URL check never saw; the receiver must give the final URL.
        redirect: 'manual',
        signal: AbortSignal.timeout(request.timeoutMs),
      });
    } catch (error) {
      return { ok: false, error: describeFetchError(error, request.timeoutMs) };
    }

    if (response.status >= 200 && response.status < 300) {
      await discardBody(response);
      return { ok: true, statusCode: response.status };
    }
    const snippet = await readSnippet(response);
    const retryAfterSeconds =
      response.status === 429 || response.status === 503
        ? parseRetryAfter(response.headers.get('retry-after'), request.timestamp)
        : undefined;
    return {
      ok: false,
      statusCode: response.status,
      error: snippet ? `HTTP ${response.status}: ${snippet}` : `HTTP ${response.status}`,
      ...(retryAfterSeconds !== undefined && { retryAfterSeconds }),
    };
  }
}

/**
 * Seconds to wait from a Retry-After header: delta-seconds, or an HTTP-date measured from `now`.
 * Undefined when absent or unparseable; never negative.
 */
export function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed), MAX_RETRY_AFTER_SECONDS);
  // An HTTP-date starts with the day name; without this, Date.parse would read "-5" as a year.
  const at = /^[A-Za-z]{3}/.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, Math.ceil((at - now.getTime()) / 1000)), MAX_RETRY_AFTER_SECONDS);
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  // Duck-typed rather than `instanceof Error`: fetch's errors may come from another realm (a test VM).
  const { name, message, cause } = asErrorLike(error);
  if (name === 'TimeoutError' || name === 'AbortError') return `timeout after ${timeoutMs} ms`;
  // undici says "fetch failed" and puts the useful part (ECONNREFUSED, ENOTFOUND…) in the cause.
  const inner = cause === undefined ? undefined : asErrorLike(cause);
  const detail = inner ? (inner.code ?? inner.message) : undefined;
  return detail ? `${message}: ${detail}` : message;
}

function asErrorLike(value: unknown): { name?: string; message: string; code?: string; cause?: unknown } {
  if (typeof value !== 'object' || value === null) return { message: String(value) };
  const { name, message, code, cause } = value as Record<string, unknown>;
  return {
    name: typeof name === 'string' ? name : undefined,
    message: typeof message === 'string' ? message : String(value),
    code: typeof code === 'string' ? code : undefined,
    cause,
  };
}

/** Reads up to MAX_ERROR_BODY_CHARS of the body, then cancels the rest so the socket is freed. */
async function readSnippet(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < MAX_ERROR_BODY_CHARS) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // A body that breaks off is still a failed attempt; what was read is enough.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, MAX_ERROR_BODY_CHARS);
}

async function discardBody(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}
