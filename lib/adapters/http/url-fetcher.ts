/**
 * Fetches a web page (or file) for a knowledge base without letting a URL reach what Parley must
 * never call (SSRF): cloud metadata, private networks, loopback, as the target policy says.
 *
 * The URL itself is checked first (scheme, credentials, a literal address). A host name is checked
 * where it matters, inside the socket's own DNS lookup: every address it resolves to must be
 * allowed, and the socket connects only to those, so a name re-pointed between a check and the
 * connection (DNS rebinding) gets nowhere. Redirects are followed by hand, each target checked the
 * same way. The whole fetch, redirects included, has one deadline and one size limit.
 */
import { type IncomingMessage, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { pipeline, type Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { sniffContentType } from '#lib/domain/knowledge/content-types';
import { UnreadableDocumentError } from '#lib/domain/errors';
import { MAX_DOCUMENT_BYTES, MAX_URL_REDIRECTS, URL_FETCH_TIMEOUT_MS } from '#lib/domain/limits/knowledge';
import { refusalForUrl, type WebhookTargetPolicy } from '#lib/domain/webhook-url';
import type { FetchedResource, UrlFetcher } from '#lib/ports/knowledge';
import {
  createSafeLookup,
  RefusedAddressError,
  type ResolveHost,
  UnresolvedHostError,
} from '#lib/adapters/http/safe-lookup';

export const DEFAULT_FETCHER_USER_AGENT = 'Parley-KnowledgeFetcher/1.0';

/** What Parley reads, best first; anything else is still fetched and its type judged after. */
const ACCEPT = [
  'text/html',
  'application/xhtml+xml',
  'application/pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'text/markdown',
  'text/csv',
  'text/plain;q=0.9',
  '*/*;q=0.5',
].join(',');
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const DECODERS = new Map<string, () => Transform>([
  ['gzip', createGunzip],
  ['x-gzip', createGunzip],
  ['deflate', createInflate],
  ['br', createBrotliDecompress],
]);

export type { ResolveHost } from '#lib/adapters/http/safe-lookup';

export interface SafeUrlFetcherOptions {
  /** Which addresses may be fetched, as for webhooks: `public` in AWS, `local` for the local runtime. */
  policy: WebhookTargetPolicy;
  /** Whether plain http may be fetched under `public` and `private` (always under `local`); true by default. */
  allowHttp?: boolean;
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
  /** DNS by default (the system resolver, all addresses); tests give names addresses of their choosing. */
  resolve?: ResolveHost;
  userAgent?: string;
}

/**
 * UrlFetcher on node:http and node:https. Follows at most `maxRedirects` redirects and refuses one
 * from https to plain http, since what it fetches becomes what an AI tells customers and must not
 * be open to tampering on the way. Each request gets its own connection (no agent pool), so a
 * socket opened elsewhere to an unchecked address is never reused.
 */
export class SafeUrlFetcher implements UrlFetcher {
  private readonly policy: WebhookTargetPolicy;
  private readonly allowHttp: boolean;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly maxRedirects: number;
  private readonly userAgent: string;
  /** The socket's DNS lookup: every address must be allowed, or the connection is never made. */
  private readonly lookup: LookupFunction;

  constructor(options: SafeUrlFetcherOptions) {
    this.policy = options.policy;
    this.allowHttp = options.allowHttp ?? true;
    this.timeoutMs = options.timeoutMs ?? URL_FETCH_TIMEOUT_MS;
    this.maxBytes = options.maxBytes ?? MAX_DOCUMENT_BYTES;
    this.maxRedirects = options.maxRedirects ?? MAX_URL_REDIRECTS;
    this.lookup = createSafeLookup({ policy: options.policy, resolve: options.resolve });
    this.userAgent = options.userAgent ?? DEFAULT_FETCHER_USER_AGENT;
  }

  async fetch(url: string): Promise<FetchedResource> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    let target = this.checked(url, 'the URL');
    for (let redirects = 0; ; redirects++) {
      const response = await this.send(target, signal);
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (REDIRECT_STATUSES.has(status) && location !== undefined) {
        response.destroy();
        if (redirects >= this.maxRedirects) {
          throw new UnreadableDocumentError(`the page redirected more than ${this.maxRedirects} times`);
        }
        target = this.redirected(target, location);
        continue;
      }
      if (status < 200 || status > 299) {
        response.destroy();
        throw new UnreadableDocumentError(`the page answered ${status}`);
      }
      const bytes = await this.receive(response, target, signal);
      return { bytes, contentType: sniffContentType(bytes, response.headers['content-type']), url: target.href };
    }
  }

  private checked(url: string, subject: string): URL {
    const problem = refusalForUrl(url, this.policy, { allowHttp: this.allowHttp });
    if (problem !== undefined) {
      throw new UnreadableDocumentError(`${subject}${problem.startsWith('host ') ? "'s" : ''} ${problem}`);
    }
    return new URL(url);
  }

  private redirected(from: URL, location: string): URL {
    let to: URL;
    try {
      to = new URL(location, from);
    } catch {
      throw new UnreadableDocumentError('the page redirected to an invalid URL');
    }
    if (from.protocol === 'https:' && to.protocol === 'http:') {
      throw new UnreadableDocumentError(`the page redirected from https to plain http (${to.href})`);
    }
    return this.checked(to.href, `the page redirected to ${to.href}, but that URL`);
  }

  private async send(url: URL, signal: AbortSignal): Promise<IncomingMessage> {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers = { 'user-agent': this.userAgent, accept: ACCEPT, 'accept-encoding': 'gzip, deflate, br' };
    try {
      return await new Promise<IncomingMessage>((resolve, reject) => {
        const outgoing = request(url, { headers, agent: false, lookup: this.lookup, signal }, resolve);
        outgoing.on('error', reject);
        outgoing.end();
      });
    } catch (error) {
      throw this.failure(error, url, signal);
    }
  }

  /** The body, decompressed, refused as soon as it is known to be too large. */
  private async receive(response: IncomingMessage, url: URL, signal: AbortSignal): Promise<Uint8Array> {
    const tooLarge = () => new UnreadableDocumentError(`the page is larger than ${formatBytes(this.maxBytes)}`);
    if (Number(response.headers['content-length']) > this.maxBytes) {
      response.destroy();
      throw tooLarge();
    }
    const chunks: Buffer[] = [];
    let total = 0;
    try {
      for await (const chunk of decoded(response)) {
        total += (chunk as Buffer).length;
        if (total > this.maxBytes) throw tooLarge();
        chunks.push(chunk as Buffer);
      }
    } catch (error) {
      response.destroy();
      throw this.failure(error, url, signal);
    }
    const body = Buffer.concat(chunks);
    return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  }

  private failure(error: unknown, url: URL, signal: AbortSignal): UnreadableDocumentError {
    if (signal.aborted) {
      return new UnreadableDocumentError(`the page did not load within ${formatDuration(this.timeoutMs)}`, {
        cause: error,
      });
    }
    if (error instanceof UnreadableDocumentError) return error;
    if (error instanceof RefusedAddressError || error instanceof UnresolvedHostError) {
      return new UnreadableDocumentError(error.message, { cause: error });
    }
    return new UnreadableDocumentError(describeNetworkError(error, url.host), { cause: error });
  }
}

/** The body as sent before content coding, so the size limit applies to what is read, not to what travelled. */
function decoded(response: IncomingMessage): Readable {
  const coding = response.headers['content-encoding']?.trim().toLowerCase() ?? 'identity';
  const decoder = DECODERS.get(coding)?.();
  // A stream error surfaces where the body is read, through the destroyed decoder.
  return decoder ? pipeline(response, decoder, () => undefined) : response;
}

function describeNetworkError(error: unknown, host: string): string {
  const code = typeof error === 'object' && error !== null ? (error as NodeJS.ErrnoException).code : undefined;
  switch (code) {
    case 'ECONNREFUSED':
      return `${host} refused the connection`;
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ERR_STREAM_PREMATURE_CLOSE':
      return `the connection to ${host} was cut off`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${host} could not be reached`;
    case 'Z_DATA_ERROR':
    case 'Z_BUF_ERROR':
    case 'ERR_BROTLI_DECOMPRESSION_FAILED':
      return `${host} sent a corrupt compressed response`;
  }
  if (code?.startsWith('HPE_')) return `${host} sent an invalid HTTP response`;
  if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|TLS/.test(code))
    return `${host} has an invalid TLS certificate (${code})`;
  return `the page could not be fetched (${code ?? (error instanceof Error ? error.message : String(error))})`;
}

function formatBytes(bytes: number): string {
  const mb = 1024 * 1024;
  if (bytes >= mb && bytes % mb === 0) return `${bytes / mb} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

function formatDuration(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} seconds` : `${ms} ms`;
}
