/**
 * Sends one webhook attempt, signed per Standard Webhooks (https://www.standardwebhooks.com):
 * `webhook-id`, `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256>`.
 */
import { createHmac } from 'node:crypto';
import { type IncomingMessage, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { refusalForUrl, type WebhookTargetPolicy } from '#lib/domain/webhook-url';
import type { WebhookRequest, WebhookResult, WebhookSender } from '#lib/ports/deliveries';
import {
  createSafeLookup,
  RefusedAddressError,
  type ResolveHost,
  UnresolvedHostError,
} from '#lib/adapters/http/safe-lookup';

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

export interface FetchWebhookSenderOptions {
  /** Which addresses may be called (see WebhookTargetPolicy); `public` by default. */
  policy?: WebhookTargetPolicy;
  /**
   * Whether plain http URLs may be called under the `public` and `private` policies (always under
   * `local`); false by default, so webhook bodies and signatures travel encrypted.
   */
  allowHttp?: boolean;
  /** DNS by default; tests give names addresses of their choosing. */
  resolve?: ResolveHost;
  userAgent?: string;
}

/**
 * WebhookSender on node:http and node:https: one POST per call, redirects not followed (a 3xx is a
 * failed attempt, since a redirect could lead where no check looked). Every address the host
 * resolves to is checked inside the socket's own lookup (see safe-lookup.ts), and each call gets
 * its own connection, so no pooled socket to an unchecked address is reused. A refused target
 * comes back as a permanent failure.
 */
export class FetchWebhookSender implements WebhookSender {
  private readonly policy: WebhookTargetPolicy;
  private readonly allowHttp: boolean;
  private readonly lookup: LookupFunction;
  private readonly userAgent: string;

  constructor(options: FetchWebhookSenderOptions = {}) {
    this.policy = options.policy ?? 'public';
    this.allowHttp = options.allowHttp ?? false;
    this.lookup = createSafeLookup({ policy: this.policy, resolve: options.resolve });
    this.userAgent = options.userAgent ?? DEFAULT_WEBHOOK_USER_AGENT;
  }

  async send(request: WebhookRequest): Promise<WebhookResult> {
    // A literal address never reaches the lookup, so the URL itself is judged first.
    const refusal = refusalForUrl(request.url, this.policy, { allowHttp: this.allowHttp });
    if (refusal !== undefined) return { ok: false, error: `refused: webhook URL ${refusal}`, permanent: true };

    const timestamp = Math.floor(request.timestamp.getTime() / 1000);
    const headers = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(request.body, 'utf8')),
      'user-agent': this.userAgent,
      'webhook-id': request.eventId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhook(request.secret, request.eventId, timestamp, request.body),
    };
    const signal = AbortSignal.timeout(request.timeoutMs);
    let response: IncomingMessage;
    let snippet = '';
    try {
      response = await post(new URL(request.url), request.body, { headers, lookup: this.lookup, signal });
      const status = response.statusCode ?? 0;
      if (status >= 200 && status < 300) {
        response.destroy();
        return { ok: true, statusCode: status };
      }
      snippet = await readSnippet(response);
    } catch (error) {
      if (error instanceof RefusedAddressError) {
        return { ok: false, error: `refused: ${error.message}`, permanent: true };
      }
      return { ok: false, error: describeError(error, signal, request.timeoutMs) };
    }

    const status = response.statusCode ?? 0;
    const retryAfterSeconds =
      status === 429 || status === 503
        ? parseRetryAfter(headerValue(response.headers['retry-after']), request.timestamp)
        : undefined;
    return {
      ok: false,
      statusCode: status,
      error: snippet ? `HTTP ${status}: ${snippet}` : `HTTP ${status}`,
      ...(retryAfterSeconds !== undefined && { retryAfterSeconds }),
    };
  }
}

/** Sends the POST and resolves with the response once its headers are in. */
function post(
  url: URL,
  body: string,
  options: { headers: Record<string, string>; lookup: LookupFunction; signal: AbortSignal },
): Promise<IncomingMessage> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<IncomingMessage>((resolve, reject) => {
    const outgoing = request(url, { method: 'POST', agent: false, ...options }, resolve);
    outgoing.on('error', reject);
    outgoing.end(body);
  });
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

function describeError(error: unknown, signal: AbortSignal, timeoutMs: number): string {
  if (signal.aborted) return `timeout after ${timeoutMs} ms`;
  if (error instanceof UnresolvedHostError) return error.message;
  // Duck-typed rather than `instanceof Error`: errors may come from another realm (a test VM).
  const { message, code } = asErrorLike(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

function asErrorLike(value: unknown): { message: string; code?: string } {
  if (typeof value !== 'object' || value === null) return { message: String(value) };
  const { message, code } = value as Record<string, unknown>;
  return {
    message: typeof message === 'string' ? message : String(value),
    code: typeof code === 'string' ? code : undefined,
  };
}

function headerValue(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

/** Reads up to MAX_ERROR_BODY_CHARS of the body, then drops the connection so the rest is never read. */
async function readSnippet(response: IncomingMessage): Promise<string> {
  response.setEncoding('utf8');
  let text = '';
  try {
    for await (const chunk of response) {
      text += chunk as string;
      if (text.length >= MAX_ERROR_BODY_CHARS) break;
    }
  } catch {
    // A body that breaks off is still a failed attempt; what was read is enough.
  } finally {
    response.destroy();
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, MAX_ERROR_BODY_CHARS);
}
