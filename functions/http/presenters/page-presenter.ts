import type { Page } from '#lib/domain/types';

/** A page of domain values as the contract lists them: `{data, next_cursor}`, each item presented. */
export function presentPage<T, R>(page: Page<T>, present: (item: T) => R): { data: R[]; next_cursor: string | null } {
  return { data: page.items.map((item) => present(item)), next_cursor: page.nextCursor };
}
