/** Small building blocks shared by the pages: labelled fields, API errors, paging. */
import type { ComponentChildren, JSX } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError } from '../api.ts';
import { FieldError, useFieldError } from './field-errors.tsx';

let lastId = 0;

/**
 * An id unique in the page for as long as the component lives. Preact's useId derives ids from
 * the tree's shape, and a form that appears inside a list (editing an item) can get the id of a
 * field elsewhere, which ties a label to the wrong input.
 */
export function useUniqueId(): string {
  const [id] = useState(() => `f${++lastId}`);
  return id;
}

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

/** `path`: the API's name for the field in error details, when it is not the form's `name`. */
type Labelled = { label: string; hint?: ComponentChildren; name: string; path?: string };
type InputProps = JSX.InputHTMLAttributes<HTMLInputElement> & Labelled;

/** An input with its label, hint and error tied to it. */
export function Field({ label, hint, path, ...input }: InputProps) {
  const id = useUniqueId();
  const error = useFieldError(path ?? input.name, id, Boolean(hint));
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} {...error.controlProps} {...input} />
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <FieldError id={id} message={error.message} />
    </div>
  );
}

export function TextArea({
  label,
  hint,
  path,
  ...textarea
}: JSX.TextareaHTMLAttributes<HTMLTextAreaElement> & Labelled) {
  const id = useUniqueId();
  const error = useFieldError(path ?? textarea.name, id, Boolean(hint));
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <textarea id={id} rows={4} {...error.controlProps} {...textarea} />
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <FieldError id={id} message={error.message} />
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
  path,
  ...select
}: JSX.SelectHTMLAttributes<HTMLSelectElement> & Labelled & { options: readonly Option[] }) {
  const id = useUniqueId();
  const error = useFieldError(path ?? select.name, id, false);
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} {...error.controlProps} {...select}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <FieldError id={id} message={error.message} />
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
  const id = useUniqueId();
  return (
    <section aria-labelledby={id} class="card">
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A moment as the reader's locale writes it, for text that cannot hold a <time> (an option's label). */
export const formatWhen = (at: string) => dateTime.format(new Date(at));

export function When({ at }: { at: string }) {
  return <time dateTime={at}>{formatWhen(at)}</time>;
}

export { text } from '../form-values.ts';
