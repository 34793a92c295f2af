/**
 * The account's settings: its name, and how long conversations nobody touched are kept
 * (`data_retention_days`; empty keeps them forever). Errors show next to their fields, the form's
 * own checks first, else the API's.
 */
import { useEffect, useState } from 'preact/hooks';
import {
  checkAccountRequest,
  MAX_DATA_RETENTION_DAYS,
  MAX_NAME_CHARS,
  MIN_DATA_RETENTION_DAYS,
  toAccountRequest,
} from '../account-request.ts';
import { get, patch } from '../api.ts';
import { type FieldErrors, FieldErrorsContext, fieldErrorsOf } from '../components/field-errors.tsx';
import { ErrorMessage, Field } from '../components/ui.tsx';
import { useAction } from '../hooks.ts';
import { useAnnounce } from '../status.tsx';
import type { Account } from '../types.ts';

export function AccountPage() {
  const [account, setAccount] = useState<Account | null>(null);
  const [checked, setChecked] = useState<FieldErrors>({});
  const load = useAction();
  const save = useAction();
  const announce = useAnnounce();

  useEffect(() => void load.run(async () => setAccount(await get<Account>('/v1/account'))), []);

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const body = toAccountRequest(new FormData(event.currentTarget as HTMLFormElement));
    const errors = checkAccountRequest(body);
    setChecked(errors);
    if (Object.keys(errors).length > 0) return;
    const saved = await save.run(() => patch<Account>('/v1/account', body));
    if (!saved) return;
    setAccount(saved);
    announce('Account saved.');
  };

  return (
    <>
      <h1 tabIndex={-1}>Account</h1>
      <ErrorMessage error={load.error} />
      {account && (
        <FieldErrorsContext.Provider value={{ ...fieldErrorsOf(save.error), ...checked }}>
          <form class="card" onSubmit={onSubmit} noValidate>
            <Field label="Account name" name="name" defaultValue={account.name} maxLength={MAX_NAME_CHARS} required />
            <Field
              label="Data retention (days)"
              name="data_retention_days"
              type="number"
              min={MIN_DATA_RETENTION_DAYS}
              max={MAX_DATA_RETENTION_DAYS}
              step={1}
              defaultValue={account.data_retention_days === null ? '' : String(account.data_retention_days)}
              hint={`Conversations nobody touched for this many days are deleted, with everything held on them. Empty keeps them forever (${MIN_DATA_RETENTION_DAYS} to ${MAX_DATA_RETENTION_DAYS}).`}
            />
            <ErrorMessage error={save.error} />
            <button type="submit" disabled={save.pending}>
              Save account
            </button>
          </form>
        </FieldErrorsContext.Provider>
      )}
    </>
  );
}
