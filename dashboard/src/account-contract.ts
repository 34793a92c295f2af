/**
 * TEMPORARY, until the `rights` branch (GET/PATCH /v1/account) is merged: the account's shapes
 * and retention limits as CONTRACT.md states them ("Conversations inbox and data"). Once merged,
 * the types come from the generated api-types (types.ts) and the limits from
 * `#lib/domain/limits/retention`, and this file goes.
 */

export interface Account {
  name: string;
  data_retention_days: number | null;
}

export type AccountRequest = Partial<Account>;

export const MIN_DATA_RETENTION_DAYS = 1;
export const MAX_DATA_RETENTION_DAYS = 3650;
