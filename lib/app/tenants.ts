import { apiKeyDisplayPrefix, formatApiKey, hashApiKey } from '#lib/domain/api-keys';
import type { Deps } from '#lib/app/deps';

/**
 * Makes sure a tenant exists that the given API key opens, creating both if needed. Idempotent:
 * the local runtime calls it on every start.
 * @returns the tenant id the key belongs to
 */
export async function ensureTenantForKey(
  deps: Pick<Deps, 'tenants' | 'clock' | 'ids'>,
  input: { apiKey: string; tenantName: string },
): Promise<string> {
  const hash = hashApiKey(input.apiKey);
  const existing = await deps.tenants.findApiKeyByHash(hash);
  if (existing) return existing.tenantId;
  const now = deps.clock.now().toISOString();
  const tenant = await deps.tenants.ensureTenant({ id: deps.ids.newId('ten'), name: input.tenantName, createdAt: now });
  await deps.tenants.putApiKey({
    tenantId: tenant.id,
    id: deps.ids.newId('key'),
    hash,
    prefix: apiKeyDisplayPrefix(input.apiKey),
    createdAt: now,
  });
  return tenant.id;
}

/** A fresh random API key (shown once; only its hash is stored). */
export function generateApiKey(deps: Pick<Deps, 'ids'>): string {
  return formatApiKey(deps.ids.randomSecret(48));
}

/**
 * Creates a new tenant (account) with a fresh API key. The key is returned only now; only its hash
 * is stored.
 */
export async function createTenant(
  deps: Pick<Deps, 'tenants' | 'clock' | 'ids'>,
  input: { tenantName: string },
): Promise<{ tenantId: string; apiKey: string }> {
  const apiKey = generateApiKey(deps);
  const tenantId = await ensureTenantForKey(deps, { apiKey, tenantName: input.tenantName });
  return { tenantId, apiKey };
}
