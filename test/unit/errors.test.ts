import {
  ConcurrencyError,
  nameErrors,
  NotFoundError,
  ParleyError,
  RateLimitedError,
  RequestRefusedError,
  UnreadableDocumentError,
} from '#lib/domain/errors';
import { ModelBusyError } from '#lib/domain/reply';

describe('the error hierarchy', () => {
  it('makes every error Parley throws on purpose a ParleyError, and only refusals RequestRefusedErrors', () => {
    const refusal = new NotFoundError('no AI ai_1');
    const others = [
      new ConcurrencyError('lost a race'),
      new UnreadableDocumentError('empty'),
      new ModelBusyError('429'),
    ];

    expect([refusal, ...others].every((error) => error instanceof ParleyError)).toBe(true);
    expect(refusal).toBeInstanceOf(RequestRefusedError);
    expect(others.some((error) => error instanceof RequestRefusedError)).toBe(false);
  });

  it('carries the cause, the details and domain data, and no HTTP status', () => {
    const cause = new Error('counter at 21');
    const error = new RateLimitedError('slow down', {
      retryAfterSeconds: 2,
      cause,
      details: [{ path: 'x', message: 'y' }],
    });

    expect(error).toMatchObject({ cause, retryAfterSeconds: 2, details: [{ path: 'x', message: 'y' }] });
    expect(Object.keys(error)).not.toEqual(expect.arrayContaining(['statusCode', 'code']));
  });

  it('names each error after its class, whatever a minifier calls the class', () => {
    class Mangled extends ParleyError {}
    nameErrors({ RenamedError: Mangled });

    expect([new ConcurrencyError('x').name, new ModelBusyError('x').name, new Mangled('x').name]).toEqual([
      'ConcurrencyError',
      'ModelBusyError',
      'RenamedError',
    ]);
    expect(new NotFoundError('gone').stack).toMatch(/^NotFoundError: gone/);
  });
});
