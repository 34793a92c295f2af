/** Small building blocks shared by the pages: labelled fields, API errors, paging. */
import type { ComponentChildren, JSX } from 'preact';
import { useId } from 'preact/hooks';
import { ApiError } from '../api.ts';

/** An API error as the API words it: its message, then each field it names. */
export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  const apiError = error instanceof ApiError ? error : new ApiError(0, String(error));
  return (
    <div class="error" role="alert">
      <p>{apiError.message}</p>
      {apiError.details.length > 0 && (
        <ul>
          {apiError.details.map((detail) => (
            <li key={`${detail.path}:${detail.message}`}>
              <code>{detail.path}</code>: {detail.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

type InputProps = JSX.InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: ComponentChildren; name: string };

/** An input with its label (and hint) tied to it. */
export function Field({ label, hint, ...input }: InputProps) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} aria-describedby={hint ? `${id}-hint` : undefined} {...input} />
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}

export function TextArea({
  label,
  hint,
  ...textarea
}: JSX.TextareaHTMLAttributes<HTMLTextAreaElement> & { label: string; hint?: ComponentChildren; name: string }) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <textarea id={id} rows={4} aria-describedby={hint ? `${id}-hint` : undefined} {...textarea} />
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}

export interface Option {
  value: string;
  label: string;
}

export function Select({
  label,
  options,
  ...select
}: JSX.SelectHTMLAttributes<HTMLSelectElement> & { label: string; name: string; options: readonly Option[] }) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} {...select}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A group of checkboxes sharing one name; FormData.getAll(name) reads the checked values. */
export function CheckboxGroup({
  legend,
  name,
  options,
  checked,
}: {
  legend: string;
  name: string;
  options: readonly Option[];
  checked: readonly string[];
}) {
  return (
    <fieldset class="field">
      <legend>{legend}</legend>
      {options.length === 0 && <p class="hint">None yet.</p>}
      {options.map((option) => (
        <label class="check" key={option.value}>
          <input type="checkbox" name={name} value={option.value} defaultChecked={checked.includes(option.value)} />
          {option.label}
        </label>
      ))}
    </fieldset>
  );
}

/** "Load more" for a cursor-paged list; hidden once the last page is in. */
export function Pager({ hasMore, loading, onMore }: { hasMore: boolean; loading: boolean; onMore: () => void }) {
  if (!hasMore) return null;
  return (
    <button type="button" class="secondary" onClick={onMore} disabled={loading}>
      {loading ? 'Loading…' : 'Load more'}
    </button>
  );
}

export function Section({ title, children }: { title: string; children: ComponentChildren }) {
  const id = useId();
  return (
    <section aria-labelledby={id} class="card">
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function When({ at }: { at: string }) {
  return <time dateTime={at}>{dateTime.format(new Date(at))}</time>;
}

/** A form's text field, trimmed; empty becomes undefined. */
export function text(form: FormData, name: string): string | undefined {
  const value = String(form.get(name) ?? '').trim();
  return value === '' ? undefined : value;
}
