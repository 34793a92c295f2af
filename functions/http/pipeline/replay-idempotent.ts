/**
 * Idempotency: a creating route runs at most once per Idempotency-Key, and a retry with the same
 * key gets the first response back (marked `idempotent-replayed`).
 */
import { createHash } from 'node:crypto';
import type { Deps } from '#lib/app/deps';
import { runIdempotent } from '#lib/app/idempotency';
import { ValidationError } from '#lib/domain/errors';
import { MAX_IDEMPOTENCY_KEY_CHARS } from '#lib/domain/limits/http';
import type { AnyRoute, HttpResult } from '#functions/http/route';

export interface IdempotencyScope {
  tenantId: string;
  method: string;
  path: string;
  /** The validated body: two requests with the same key must agree on it. */
  body: unknown;
  /** The Idempotency-Key header, if sent. */
  key: string | undefined;
}

/**
 * Runs the route's handler with the id it should give what it creates: none for routes that create
 * nothing, a fresh one without a key, else the one reserved with the key (or the stored response).
 */
export async function runOnce(
  deps: Deps,
  route: AnyRoute,
  scope: IdempotencyScope,
  run: (newId: string) => Promise<HttpResult>,
): Promise<HttpResult> {
  if (!route.creates) return run('');
  const { key, tenantId } = scope;
  if (!key) return run(deps.ids.newId(route.creates.idPrefix));
  if (key.length > MAX_IDEMPOTENCY_KEY_CHARS) {
    throw new ValidationError('Idempotency-Key is too long', {
      details: [{ path: 'Idempotency-Key', message: `at most ${MAX_IDEMPOTENCY_KEY_CHARS} characters` }],
    });
  }
  const fingerprint = fingerprintOf(scope.method, scope.path, scope.body);
  const result = await runIdempotent(
    deps,
    { tenantId, key, fingerprint, idPrefix: route.creates.idPrefix },
    async (newId) => {
      const { statusCode, body } = await run(newId);
      return { statusCode, body };
    },
  );
  return {
    statusCode: result.statusCode,
    body: result.body,
    ...(result.replayed ? { headers: { 'idempotent-replayed': 'true' } } : {}),
  };
}

/**
 * A stable digest of what makes two requests "the same" for Idempotency-Key purposes. An uploaded
 * file counts by its digest (not its multipart framing, which differs on every retry).
 */
export function fingerprintOf(method: string, path: string, body: unknown): string {
  const canonical = JSON.stringify(body ?? null, (_, value) => {
    if (value instanceof Uint8Array) return { sha256: createHash('sha256').update(value).digest('hex') };
    return value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)))
      : value;
  });
  return createHash('sha256').update(`${method} ${path}\n${canonical}`).digest('hex');
}
