import { hashApiKey, MAX_API_KEY_CHARS } from '#lib/domain/api-keys';
import { RateLimitedError, UnauthorizedError } from '#lib/domain/errors';
import { API_RATE_LIMIT_PER_SECOND } from '#lib/domain/limits/http';
import type { Deps } from '#lib/app/deps';

/** Who is calling: the tenant and the API key it used. */
export interface Caller {
  tenantId: string;
  keyId: string;
}

/**
 * Resolves an API key to its tenant and key. Every use case after this works within that tenant
 * only: no tenant id is ever taken from a request body. A revoked key is refused at once.
 */
export async function identifyCaller(deps: Pick<Deps, 'tenants'>, apiKey: string | undefined): Promise<Caller> {
  if (!apiKey) {
    throw new UnauthorizedError('missing API key: send "Authorization: Bearer <key>" or "x-api-key: <key>"');
  }
  if (apiKey.length > MAX_API_KEY_CHARS) throw new UnauthorizedError('invalid API key');
  const record = await deps.tenants.findApiKeyByHash(hashApiKey(apiKey));
  if (!record) throw new UnauthorizedError('invalid API key');
  return { tenantId: record.tenantId, keyId: record.id };
}

/** Resolves an API key to its tenant id (see identifyCaller); no request is counted. */
export async function authenticate(deps: Pick<Deps, 'tenants'>, apiKey: string | undefined): Promise<string> {
  return (await identifyCaller(deps, apiKey)).tenantId;
}

/**
 * Authenticates one API request and counts it against its key's rate limit
 * (API_RATE_LIMIT_PER_SECOND, in fixed one-second windows). Each key has its own budget.
 * @throws RateLimitedError once the key has used up the current second; retry in the next one.
 */
export async function authenticateRequest(
  deps: Pick<Deps, 'tenants' | 'clock'>,
  apiKey: string | undefined,
): Promise<Caller> {
  const caller = await identifyCaller(deps, apiKey);
  const now = deps.clock.now().getTime();
  const second = new Date(now - (now % 1000)).toISOString();
  const admitted = await deps.tenants.countRequest(caller.tenantId, caller.keyId, second, API_RATE_LIMIT_PER_SECOND);
  if (!admitted) {
    throw new RateLimitedError(`more than ${API_RATE_LIMIT_PER_SECOND} requests per second with this API key`, {
      retryAfterSeconds: 1,
    });
  }
  return caller;
}
