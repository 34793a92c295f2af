/**
 * The error hierarchy every layer throws on purpose. An error says what went wrong (its message,
 * the offending fields, its cause, and domain data such as how long to wait); it says nothing of
 * HTTP. The HTTP edge maps each class to a status and the contract's error code in one table
 * (functions/http/error-responses.ts); anything else is an internal error.
 */

export interface ErrorDetail {
  /** Dotted path of the offending field, e.g. `contact.email`. */
  path: string;
  message: string;
}

export interface ParleyErrorOptions {
  cause?: unknown;
  details?: ErrorDetail[];
}

/**
 * The base of every error Parley throws on purpose. Abstract: throw the class that says what
 * happened. Its `name` is the class's, set by {@link nameErrors}.
 */
export abstract class ParleyError extends Error {
  readonly details: ErrorDetail[];

  constructor(message: string, options?: ParleyErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.details = options?.details ?? [];
  }
}

/**
 * Gives each error class its `name` (what logs and stack traces show) from the key it is passed
 * under. Not `new.target.name`: the deployed bundles are minified, which renames classes but keeps
 * object keys.
 * @param types error classes by name, e.g. `nameErrors({ ValidationError })`
 */
export function nameErrors(types: Record<string, abstract new (...args: never[]) => Error>): void {
  for (const [name, type] of Object.entries(types)) {
    Object.defineProperty(type.prototype, 'name', { value: name, writable: true, configurable: true });
  }
}

/**
 * The caller asked for something Parley refuses as asked: bad input, an unknown id, a conflict, a
 * limit. Nothing was done, so the caller may correct the request and send it again (an
 * Idempotency-Key is released for that).
 */
export abstract class RequestRefusedError extends ParleyError {}

/** Input that does not fit the contract; `details` names each offending field. */
export class ValidationError extends RequestRefusedError {}

/** No API key, or one Parley does not know (or has revoked). */
export class UnauthorizedError extends RequestRefusedError {}

/** What the request names does not exist in the caller's account. */
export class NotFoundError extends RequestRefusedError {}

/** The request contradicts the current state (a reference in use, a reused Idempotency-Key, …). */
export class ConflictError extends RequestRefusedError {}

/** A body or document larger than Parley takes. */
export class PayloadTooLargeError extends RequestRefusedError {}

/** A document (or request body) of a type Parley does not take. */
export class UnsupportedMediaTypeError extends RequestRefusedError {}

/** The caller sent more requests than its budget allows; it may try again after `retryAfterSeconds`. */
export class RateLimitedError extends RequestRefusedError {
  /** Seconds the caller should wait before trying again. */
  readonly retryAfterSeconds: number;

  constructor(message: string, options: ParleyErrorOptions & { retryAfterSeconds: number }) {
    super(message, options);
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/**
 * A write lost a race with another writer (a DynamoDB condition failed). Not a refusal: the same
 * request may succeed when sent again, and its message names internal records.
 */
export class ConcurrencyError extends ParleyError {}

/**
 * A document that cannot be turned into text (corrupt, encrypted, empty, or not what its type
 * says). Permanent: ingesting it again gives the same answer, so the document is marked failed
 * with this message as the reason, which the business reads in the documents list.
 */
export class UnreadableDocumentError extends ParleyError {}

nameErrors({
  ParleyError,
  RequestRefusedError,
  ValidationError,
  UnauthorizedError,
  NotFoundError,
  ConflictError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  RateLimitedError,
  ConcurrencyError,
  UnreadableDocumentError,
});
