/**
 * The dashboard's account form as `PATCH /v1/account`'s body, checked first at the API's limits:
 * an empty retention keeps conversations forever (null), and a value out of range is named by its
 * field.
 */
import {
  checkAccountRequest,
  MAX_DATA_RETENTION_DAYS,
  MAX_NAME_CHARS,
  MIN_DATA_RETENTION_DAYS,
  toAccountRequest,
} from '../../dashboard/src/account-request.ts';

function formOf(fields: Record<string, string>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  return form;
}

describe('toAccountRequest', () => {
  it('sends an empty retention as null: keep conversations forever', () => {
    expect(toAccountRequest(formOf({ name: ' Acme ', data_retention_days: '' }))).toEqual({
      name: 'Acme',
      data_retention_days: null,
    });
  });

  it('sends a retention as a number of days', () => {
    expect(toAccountRequest(formOf({ name: 'Acme', data_retention_days: '30' })).data_retention_days).toBe(30);
  });
});

describe('checkAccountRequest', () => {
  it('accepts the retention limits themselves and no retention', () => {
    for (const days of [MIN_DATA_RETENTION_DAYS, MAX_DATA_RETENTION_DAYS, null])
      expect(checkAccountRequest({ name: 'Acme', data_retention_days: days })).toEqual({});
  });

  it('names the retention field for a value out of range or not whole', () => {
    for (const days of [MIN_DATA_RETENTION_DAYS - 1, MAX_DATA_RETENTION_DAYS + 1, 1.5, Number.NaN])
      expect(Object.keys(checkAccountRequest({ name: 'Acme', data_retention_days: days }))).toEqual([
        'data_retention_days',
      ]);
  });

  it('names the name field when it is empty or too long', () => {
    expect(Object.keys(checkAccountRequest({ name: '', data_retention_days: null }))).toEqual(['name']);
    expect(
      Object.keys(checkAccountRequest({ name: 'x'.repeat(MAX_NAME_CHARS + 1), data_retention_days: null })),
    ).toEqual(['name']);
  });
});
