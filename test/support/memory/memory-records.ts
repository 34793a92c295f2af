/**
 * What the in-memory stores share: how records are keyed, copied and paged, with the same
 * observable behaviour as the DynamoDB stores (both pass the store contracts). Records are
 * deep-copied on the way in and out, and undefined fields dropped, as a round trip through
 * DynamoDB would.
 */
import { ValidationError } from '#lib/domain/errors';
import type { Page } from '#lib/domain/types';
import type { PageRequest } from '#lib/ports/paging';

/** A map key from a tenant id and more parts; JSON, so no part's characters can blur the boundaries. */
export function key(tenantId: string, ...rest: string[]): string {
  return JSON.stringify([checkTenant(tenantId), ...rest]);
}

/** Refuses a tenant id with '#' (or none), as the DynamoDB stores' table keys do. */
export function checkTenant(tenantId: string): string {
  if (tenantId.length === 0 || tenantId.includes('#')) {
    throw new Error(`Invalid tenant id for a table key: ${JSON.stringify(tenantId)}`);
  }
  return tenantId;
}

export function insertIfAbsent<T>(map: Map<string, T>, k: string, value: T): T {
  const stored = map.get(k);
  if (stored !== undefined) return stored;
  map.set(k, clone(value));
  return value;
}

/**
 * One page of a tenant's records in id order (or by `order.sortKey`, optionally descending), as
 * the DynamoDB stores' listTenantItems pages them: a null cursor exactly when nothing follows, and a
 * cursor accepted only by the list (`list`, tenant) that made it.
 */
export function listPage<T extends { tenantId: string; id: string }>(
  records: Iterable<T>,
  list: string,
  tenantId: string,
  page: PageRequest,
  order: { sortKey?: (record: T) => string; descending?: boolean } = {},
): Page<T> {
  if (!Number.isInteger(page.limit) || page.limit < 1) {
    throw new ValidationError('Invalid page size', {
      details: [{ path: 'limit', message: 'must be a positive integer' }],
    });
  }
  const tenant = checkTenant(tenantId);
  const sortKey = order.sortKey ?? ((record: T) => record.id);
  const sign = order.descending === true ? -1 : 1;
  const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor, list, tenant);
  const all = [...records]
    .filter(
      (record) => record.tenantId === tenant && (after === undefined || sign * compare(sortKey(record), after) > 0),
    )
    .sort((a, b) => sign * compare(sortKey(a), sortKey(b)));
  const items = all.slice(0, page.limit);
  const last = items.at(-1);
  return {
    items: items.map(clone),
    nextCursor: all.length > page.limit && last !== undefined ? encodeCursor(list, tenantId, sortKey(last)) : null,
  };
}

function encodeCursor(list: string, tenantId: string, after: string): string {
  return Buffer.from(JSON.stringify({ list, tenantId, after }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, list: string, tenantId: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'list' in parsed &&
      'tenantId' in parsed &&
      'after' in parsed
    ) {
      if (parsed.list === list && parsed.tenantId === tenantId && typeof parsed.after === 'string') return parsed.after;
    }
  } catch {
    // falls through to the same error as a well-formed cursor of someone else's
  }
  throw new ValidationError('Invalid cursor', {
    details: [{ path: 'cursor', message: 'is not a cursor returned by this list' }],
  });
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A deep copy without undefined fields, like a record after a DynamoDB round trip. */
export function clone<T>(value: T): T {
  if (Array.isArray(value)) return value.filter((item) => item !== undefined).map(clone) as T;
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [field, item] of Object.entries(value)) {
      if (item !== undefined) copy[field] = clone(item);
    }
    return copy as T;
  }
  return value;
}
