import {
  ConcurrencyError,
  ConflictError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  UnauthorizedError,
  UnreadableDocumentError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '#lib/domain/errors';
import { toErrorResult } from '#functions/http/error-responses';

describe('toErrorResult', () => {
  it.each([
    [new ValidationError('bad'), 400, 'validation_error'],
    [new UnauthorizedError('who?'), 401, 'unauthorized'],
    [new NotFoundError('gone'), 404, 'not_found'],
    [new ConflictError('taken'), 409, 'conflict'],
    [new PayloadTooLargeError('big'), 413, 'payload_too_large'],
    [new UnsupportedMediaTypeError('odd'), 415, 'unsupported_media_type'],
    [new RateLimitedError('slow down', { retryAfterSeconds: 1 }), 429, 'rate_limited'],
  ])('maps %p to its status and the contract code', (error, status, code) => {
    const result = toErrorResult(error);

    expect([result.statusCode, result.body]).toEqual([status, { error: { code, message: error.message } }]);
  });

  it("sends a refusal's details, and no details key when it has none", () => {
    const details = [{ path: 'contact.email', message: 'not an e-mail address' }];

    expect(toErrorResult(new ValidationError('invalid request body', { details })).body).toEqual({
      error: { code: 'validation_error', message: 'invalid request body', details },
    });
  });

  it('tells a rate-limited caller when to retry in Retry-After', () => {
    const result = toErrorResult(new RateLimitedError('too many', { retryAfterSeconds: 3 }));

    expect(result.headers).toEqual({ 'retry-after': '3' });
  });

  it('answers a lost write race with a 409 that names no internal record', () => {
    const result = toErrorResult(new ConcurrencyError('Conversation t#c does not exist'));

    expect(result).toEqual({
      statusCode: 409,
      body: { error: { code: 'conflict', message: 'the resource changed while this request ran; try again' } },
    });
  });

  it.each([
    ['an unreadable document', new UnreadableDocumentError('the PDF has no text layer')],
    ['an unexpected error', new Error('connection reset to 10.0.0.7')],
    ['a thrown non-error', 'boom'],
  ])('answers %s with a 500 that discloses nothing', (_, error) => {
    expect(toErrorResult(error)).toEqual({
      statusCode: 500,
      body: { error: { code: 'internal', message: 'internal error' } },
    });
  });
});
