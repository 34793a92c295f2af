/**
 * The account form's values as `PATCH /v1/account`'s body, checked first at the API's own limits
 * (imported, so the two cannot disagree): an empty retention is null, keep conversations forever.
 */
import { MAX_DATA_RETENTION_DAYS, MIN_DATA_RETENTION_DAYS } from '#lib/domain/limits/retention';
import { MAX_NAME_CHARS } from '#lib/domain/limits/setup';
import { text } from './form-values.ts';
import type { AccountRequest } from './types.ts';

export { MAX_DATA_RETENTION_DAYS, MAX_NAME_CHARS, MIN_DATA_RETENTION_DAYS };

export function toAccountRequest(form: FormData): AccountRequest {
  const days = text(form, 'data_retention_days');
  // A name left empty is sent as typed, so the check below names it rather than keeping the old one.
  return { name: text(form, 'name') ?? '', data_retention_days: days === undefined ? null : Number(days) };
}

/** What the API would refuse, by field path; empty when the body may be sent. */
export function checkAccountRequest(body: AccountRequest): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!body.name) errors.name = 'Give the account a name.';
  else if (body.name.length > MAX_NAME_CHARS) errors.name = `At most ${MAX_NAME_CHARS} characters.`;
  const days = body.data_retention_days;
  if (
    days !== null &&
    days !== undefined &&
    !(Number.isInteger(days) && days >= MIN_DATA_RETENTION_DAYS && days <= MAX_DATA_RETENTION_DAYS)
  )
    errors.data_retention_days = `A whole number of days from ${MIN_DATA_RETENTION_DAYS} to ${MAX_DATA_RETENTION_DAYS}, or empty to keep conversations.`;
  return errors;
}
