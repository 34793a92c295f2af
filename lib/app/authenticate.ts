import { hashApiKey, MAX_API_KEY_CHARS } from '#lib/domain/api-keys';
import { UnauthorizedError } from '#lib/domain/errors';
import type { Deps } from '#lib/app/deps';

/**
 * Resolves an API key to its tenant. Every use case after this works within that tenant only:
 * no tenant id is ever taken from a request body.
 */
export async function authenticate(deps: Pick<Deps, 'store'>, apiKey: string | undefined): Promise<string> {
  if (!apiKey) {
    throw new UnauthorizedError('missing API key: send "Authorization: Bearer <key>" or "x-api-key: <key>"');
  }
  if (apiKey.length > MAX_API_KEY_CHARS) throw new UnauthorizedError('invalid API key');
  const record = await deps.store.findApiKeyByHash(hashApiKey(apiKey));
  if (!record) throw new UnauthorizedError('invalid API key');
  return record.tenantId;
}
