import { ConflictError, RequestRefusedError } from '#lib/domain/errors';
import { IDEMPOTENCY_TTL_SECONDS } from '#lib/domain/limits/http';
import type { Deps } from '#lib/app/deps';

export interface StoredResponse {
  statusCode: number;
  body: unknown;
}

/**
 * Runs a creating request at most once per `Idempotency-Key`. The key is claimed together with an
 * id reserved for what the request creates, so a retry after a crash creates the very same record
 * (every step of `run` must be idempotent on that id) and a retry after success gets the first
 * response back. The same key with a different request is a 409.
 */
export async function runIdempotent(
  deps: Pick<Deps, 'idempotency' | 'clock' | 'ids'>,
  params: { tenantId: string; key: string; fingerprint: string; idPrefix: string },
  run: (resourceId: string) => Promise<StoredResponse>,
): Promise<StoredResponse & { replayed: boolean }> {
  const now = deps.clock.now();
  const claim = {
    tenantId: params.tenantId,
    key: params.key,
    fingerprint: params.fingerprint,
    resourceId: deps.ids.newId(params.idPrefix),
    status: 'pending' as const,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_SECONDS * 1000).toISOString(),
  };
  const earlier = await deps.idempotency.claimIdempotencyKey(claim, now.toISOString());
  if (earlier && earlier.fingerprint !== params.fingerprint) {
    throw new ConflictError('this Idempotency-Key was already used with a different request', {
      details: [{ path: 'Idempotency-Key', message: 'reused with a different method, path or body' }],
    });
  }
  if (earlier?.status === 'completed' && earlier.response) return { ...earlier.response, replayed: true };
  let response: StoredResponse;
  try {
    response = await run((earlier ?? claim).resourceId);
  } catch (error) {
    // A refused request (4xx) keeps no result, so the client may correct it and reuse the key, as
    // with Stripe. After an unexpected failure the claim stays: a retry resumes the same resource.
    if (error instanceof RequestRefusedError) await deps.idempotency.releaseIdempotencyKey(params.tenantId, params.key);
    throw error;
  }
  await deps.idempotency.completeIdempotencyKey(params.tenantId, params.key, response);
  return { ...response, replayed: false };
}
