/** Reading a submitted form's values; no DOM beyond FormData, so the mapping is testable in Node. */

/** A form's text field, trimmed; empty becomes undefined. */
export function text(form: FormData, name: string): string | undefined {
  const value = String(form.get(name) ?? '').trim();
  return value === '' ? undefined : value;
}
