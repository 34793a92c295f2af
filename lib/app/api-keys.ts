/**
 * API key management: a tenant creates, lists, revokes and rotates its own keys. A key is shown
 * once, when it is made; only its SHA-256 hash is stored.
 */
import { apiKeyDisplayPrefix, hashApiKey } from '#lib/domain/api-keys';
import { ConflictError, NotFoundError } from '#lib/domain/errors';
import type { ApiKeyRecord, Page } from '#lib/domain/types';
import type { Deps } from '#lib/app/deps';
import { generateApiKey } from '#lib/app/tenants';
import type { PageRequest } from '#lib/ports/paging';

/** A key just made: its record and the key itself, which is never available again. */
export interface IssuedApiKey {
  record: ApiKeyRecord;
  key: string;
}

type KeyDeps = Pick<Deps, 'tenants' | 'clock' | 'ids'>;

/**
 * Makes a new key for the tenant under `keyId` (reserved with the request's Idempotency-Key). A
 * retry that finds a key already stored under that id replaces it: its first attempt never
 * answered, so nobody holds that key.
 */
export async function createApiKey(
  deps: KeyDeps,
  input: { tenantId: string; keyId: string; name?: string },
): Promise<IssuedApiKey> {
  if ((await deps.tenants.getApiKey(input.tenantId, input.keyId)) !== undefined) {
    await deps.tenants.revokeApiKey(input.tenantId, input.keyId);
  }
  const key = generateApiKey(deps);
  const record: ApiKeyRecord = {
    tenantId: input.tenantId,
    id: input.keyId,
    hash: hashApiKey(key),
    prefix: apiKeyDisplayPrefix(key),
    ...(input.name === undefined ? {} : { name: input.name }),
    createdAt: deps.clock.now().toISOString(),
  };
  await deps.tenants.putApiKey(record);
  return { record, key };
}

/** The tenant's keys (hashes included; the edge shows none), oldest first. */
export function listApiKeys(
  deps: Pick<Deps, 'tenants'>,
  tenantId: string,
  page: PageRequest,
): Promise<Page<ApiKeyRecord>> {
  return deps.tenants.listApiKeys(tenantId, page);
}

/**
 * Revokes a key: it stops authenticating at once. The tenant's last key cannot be revoked, so an
 * account cannot lock itself out (make a new key first, or rotate this one).
 */
export async function revokeApiKey(deps: Pick<Deps, 'tenants'>, tenantId: string, keyId: string): Promise<void> {
  if ((await deps.tenants.getApiKey(tenantId, keyId)) === undefined) throw keyNotFound(keyId);
  const { items } = await deps.tenants.listApiKeys(tenantId, { limit: 2 });
  if (items.length < 2) {
    throw new ConflictError('this is the last API key of the account; create another before revoking it', {
      details: [{ path: 'id', message: 'the only remaining API key' }],
    });
  }
  await deps.tenants.revokeApiKey(tenantId, keyId);
}

/**
 * Replaces a key with a new one of the same name (under `newKeyId`), then revokes the old one. The
 * new key is stored before the old one goes, so a crash in between leaves two working keys, never
 * none; a retry that finds the old key gone but the new one stored finishes the job.
 */
export async function rotateApiKey(
  deps: KeyDeps,
  input: { tenantId: string; keyId: string; newKeyId: string },
): Promise<IssuedApiKey> {
  const old =
    (await deps.tenants.getApiKey(input.tenantId, input.keyId)) ??
    (await deps.tenants.getApiKey(input.tenantId, input.newKeyId));
  if (old === undefined) throw keyNotFound(input.keyId);
  const issued = await createApiKey(deps, {
    tenantId: input.tenantId,
    keyId: input.newKeyId,
    ...(old.name === undefined ? {} : { name: old.name }),
  });
  await deps.tenants.revokeApiKey(input.tenantId, input.keyId);
  return issued;
}

function keyNotFound(keyId: string): NotFoundError {
  return new NotFoundError(`no API key with id ${keyId}`, {
    details: [{ path: 'id', message: 'no API key with this id in your account' }],
  });
}
