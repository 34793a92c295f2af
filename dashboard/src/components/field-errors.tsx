/**
 * Errors shown next to the fields they name, keyed by the API's field path (`follow_up.max_nudges`):
 * the form's own checks before sending, else the `details` of the API's 400.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { ApiError } from '../api.ts';

export type FieldErrors = Readonly<Record<string, string>>;

export const FieldErrorsContext = createContext<FieldErrors>({});

/** The API error's details by path (the first message per path), or none. */
export function fieldErrorsOf(error: unknown): FieldErrors {
  if (!(error instanceof ApiError)) return {};
  const errors: Record<string, string> = {};
  for (const detail of error.details) errors[detail.path] ??= detail.message;
  return errors;
}

/**
 * The error of the field at `path`, and the attributes that tie it to the control: a screen
 * reader hears it with the label, after the hint.
 */
export function useFieldError(path: string, id: string, hinted: boolean) {
  const message = useContext(FieldErrorsContext)[path];
  const describedBy = [hinted ? `${id}-hint` : '', message ? `${id}-error` : ''].filter(Boolean).join(' ');
  return {
    message,
    controlProps: {
      'aria-invalid': message ? ('true' as const) : undefined,
      'aria-describedby': describedBy || undefined,
    },
  };
}

export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p class="field-error" id={`${id}-error`}>
      {message}
    </p>
  );
}
