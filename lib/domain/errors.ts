/**
 * The error hierarchy every layer throws. The HTTP edge maps each class to one status and the
 * contract's error code; anything else is an internal error.
 */

export interface ErrorDetail {
  /** Dotted path of the offending field, e.g. `contact.email`. */
  path: string;
  message: string;
}

export abstract class ParleyError extends Error {
  abstract readonly code: string;
  abstract readonly statusCode: number;
  readonly details: ErrorDetail[];

  constructor(message: string, options?: { cause?: unknown; details?: ErrorDetail[] }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options?.details ?? [];
  }
}

export class ValidationError extends ParleyError {
  readonly code = 'validation_error';
  readonly statusCode = 400;
}

export class UnauthorizedError extends ParleyError {
  readonly code = 'unauthorized';
  readonly statusCode = 401;
}

export class NotFoundError extends ParleyError {
  readonly code = 'not_found';
  readonly statusCode = 404;
}

export class ConflictError extends ParleyError {
  readonly code = 'conflict';
  readonly statusCode = 409;
}

export class PayloadTooLargeError extends ParleyError {
  readonly code = 'payload_too_large';
  readonly statusCode = 413;
}

export class RateLimitedError extends ParleyError {
  readonly code = 'rate_limited';
  readonly statusCode = 429;
  /** Seconds the client should wait before trying again (sent as the `Retry-After` header). */
  readonly retryAfterSeconds: number;

  constructor(message: string, options: { retryAfterSeconds: number; cause?: unknown; details?: ErrorDetail[] }) {
    super(message, options);
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** A write lost a race with another writer (a DynamoDB condition failed). */
export class ConcurrencyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConcurrencyError';
  }
}

/** A document (or request body) of a type Parley does not take. */
export class UnsupportedMediaTypeError extends ParleyError {
  readonly code = 'unsupported_media_type';
  readonly statusCode = 415;
}

/**
 * A document that cannot be turned into text (corrupt, encrypted, empty, or not what its type
 * says). Permanent: ingesting it again gives the same answer, so the document is marked failed
 * with this message as the reason, which the business reads in the documents list.
 */
export class UnreadableDocumentError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnreadableDocumentError';
  }
}
