/**
 * Errors → HTTP, in one table: each error class Parley throws on purpose gets its status and the
 * contract's error code here, and nowhere else. Anything not in the table is a 500 that discloses
 * nothing.
 */
import type { z } from 'zod';
import {
  ConcurrencyError,
  ConflictError,
  NotFoundError,
  type ParleyError,
  PayloadTooLargeError,
  RateLimitedError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '#lib/domain/errors';
import type { HttpResult } from '#functions/http/route';
import type { errorResponse } from '#functions/http/common-schemas';

type ErrorCode = z.output<typeof errorResponse>['error']['code'];

interface ErrorMapping<E extends ParleyError> {
  status: number;
  code: ErrorCode;
  /** Sent instead of the error's own message and details, which name internal records. */
  publicMessage?: string;
  headers?(error: E): Record<string, string>;
}

type ErrorClass<E extends ParleyError> = abstract new (...args: never[]) => E;

function map<E extends ParleyError>(type: ErrorClass<E>, mapping: ErrorMapping<E>) {
  return { type, mapping: mapping as ErrorMapping<ParleyError> };
}

const ERROR_RESPONSES = [
  map(ValidationError, { status: 400, code: 'validation_error' }),
  map(UnauthorizedError, { status: 401, code: 'unauthorized' }),
  map(NotFoundError, { status: 404, code: 'not_found' }),
  map(ConflictError, { status: 409, code: 'conflict' }),
  // A lost race is the caller's to retry; which records raced is not its business.
  map(ConcurrencyError, {
    status: 409,
    code: 'conflict',
    publicMessage: 'the resource changed while this request ran; try again',
  }),
  map(PayloadTooLargeError, { status: 413, code: 'payload_too_large' }),
  map(UnsupportedMediaTypeError, { status: 415, code: 'unsupported_media_type' }),
  map(RateLimitedError, {
    status: 429,
    code: 'rate_limited',
    headers: (error) => ({ 'retry-after': String(error.retryAfterSeconds) }),
  }),
];

function findMapping(error: unknown): ErrorMapping<ParleyError> | undefined {
  return ERROR_RESPONSES.find(({ type }) => error instanceof type)?.mapping;
}

/** The contract's error response for `error`: its status, `{error: {code, message, details?}}` and headers. */
export function toErrorResult(error: unknown): HttpResult {
  const mapping = findMapping(error);
  if (!mapping) return { statusCode: 500, body: { error: { code: 'internal', message: 'internal error' } } };
  const known = error as ParleyError;
  const { status: statusCode, code, publicMessage } = mapping;
  const headers = mapping.headers?.(known);
  const body =
    publicMessage === undefined
      ? { code, message: known.message, ...(known.details.length ? { details: known.details } : {}) }
      : { code, message: publicMessage };
  return { statusCode, body: { error: body }, ...(headers ? { headers } : {}) };
}
