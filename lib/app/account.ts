/** The account (tenant) settings a business manages itself: its name and data retention. */
import type { Deps } from '#lib/app/deps';
import { NotFoundError } from '#lib/domain/errors';
import type { Tenant } from '#lib/domain/types';

/** The caller's account. */
export async function getAccount(deps: Pick<Deps, 'tenants'>, tenantId: string): Promise<Tenant> {
  const tenant = await deps.tenants.getTenant(tenantId);
  if (!tenant) throw new NotFoundError('no such account');
  return tenant;
}

/**
 * Changes the account's name and retention (`null` keeps conversations until erased). A shorter
 * retention applies to existing conversations at once: reads check the current setting.
 */
export async function updateAccount(
  deps: Pick<Deps, 'tenants'>,
  tenantId: string,
  changes: { name?: string; dataRetentionDays?: number | null },
): Promise<Tenant> {
  const tenant = await deps.tenants.updateTenant(tenantId, changes);
  if (!tenant) throw new NotFoundError('no such account');
  return tenant;
}
