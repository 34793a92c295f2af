import { jest } from '@jest/globals';
import * as z from 'zod';
import {
  ConcurrencyError,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '#lib/domain/errors';
import { MAX_IDEMPOTENCY_KEY_CHARS } from '#lib/domain/limits/http';
import { apiKeyOf } from '#functions/http/pipeline/authenticate-caller';
import { readBody } from '#functions/http/pipeline/body-limit';
import { compileRoutes, matchRoute } from '#functions/http/pipeline/match-route';
import { parseRequestFields } from '#functions/http/pipeline/parse-body';
import { fingerprintOf, runOnce } from '#functions/http/pipeline/replay-idempotent';
import { validateRequest } from '#functions/http/pipeline/validate-request';
import { type AnyRoute, defineRoute, type HttpResult } from '#functions/http/route';
import { makeFakeDeps } from '#test/support/fakes';
import { apiEvent } from '#test/support/http';

function aRoute(fields: Partial<AnyRoute> = {}): AnyRoute {
  return {
    ...defineRoute({
      method: 'POST',
      path: '/v1/things/{id}',
      summary: 'A thing.',
      tags: [],
      auth: true,
      responses: {},
      handle: async () => ({ statusCode: 200 }),
    }),
    ...fields,
  } as AnyRoute;
}

const refusal = async (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('matchRoute', () => {
  const compiled = compileRoutes([aRoute()]);

  it('matches a template with or without a trailing slash and decodes its parameters', () => {
    expect(matchRoute(compiled, 'POST', '/v1/things/a%20b/').params).toEqual({ id: 'a b' });
  });

  it('answers NotFoundError for a path or method no route takes', () => {
    expect(() => matchRoute(compiled, 'GET', '/v1/things/1')).toThrow(NotFoundError);
    expect(() => matchRoute(compiled, 'POST', '/v1/things/1/more')).toThrow(NotFoundError);
  });

  it('refuses a parameter that is not valid URL encoding, naming it', () => {
    expect(() => matchRoute(compiled, 'POST', '/v1/things/%E0%A4%A')).toThrow(
      expect.objectContaining({ details: [{ path: 'id', message: 'bad URL encoding' }] }),
    );
  });
});

describe('readBody', () => {
  it("decodes a base64 body and refuses one over the route's limit", () => {
    const event = { ...apiEvent('POST', '/v1/things/1', { body: 'hello' }) };

    expect(readBody(aRoute(), { ...event, body: 'aGVsbG8=', isBase64Encoded: true })?.toString()).toBe('hello');
    expect(() => readBody(aRoute({ maxBodyBytes: 4 }), event)).toThrow(PayloadTooLargeError);
  });
});

describe('parseRequestFields', () => {
  it('requires a JSON body and names what is wrong with it', async () => {
    const event = apiEvent('POST', '/v1/things/1');

    expect(await refusal(parseRequestFields(aRoute(), event, undefined))).toMatchObject({
      message: 'request body is required',
    });
    expect(await refusal(parseRequestFields(aRoute(), event, Buffer.from('{')))).toBeInstanceOf(ValidationError);
  });

  it('merges the query string under the body where the route asks for it', async () => {
    const route = aRoute({ mergeQueryIntoBody: true });
    const event = apiEvent('POST', '/v1/things/1?a=query&b=query');

    expect(await parseRequestFields(route, event, Buffer.from('{"b":"body"}'))).toEqual({ a: 'query', b: 'body' });
  });

  it('refuses a body type a multipart route does not take', async () => {
    const route = aRoute({ multipart: { fields: {} } });
    const event = apiEvent('POST', '/v1/things/1', { headers: { 'content-type': 'text/csv' } });

    expect(await refusal(parseRequestFields(route, event, Buffer.from('a,b')))).toBeInstanceOf(
      UnsupportedMediaTypeError,
    );
  });
});

describe('apiKeyOf', () => {
  it('reads a Bearer token, else x-api-key, else Maax’s 2hd-api-key', () => {
    expect(apiKeyOf({ authorization: 'bearer  k1 ', 'x-api-key': 'k2' })).toBe('k1');
    expect(apiKeyOf({ 'x-api-key': ' k2 ' })).toBe('k2');
    expect(apiKeyOf({ '2hd-api-key': 'k3' })).toBe('k3');
    expect(apiKeyOf({ authorization: 'Basic abc' })).toBeUndefined();
  });
});

describe('validateRequest', () => {
  const route = aRoute({
    params: { id: z.string().regex(/^\d+$/) },
    query: z.object({ limit: z.coerce.number() }).strict() as never,
    body: z.object({ name: z.string().trim() }).strict() as never,
  });

  it("returns each part as the route's schemas output it", async () => {
    const valid = await validateRequest(route, {
      params: { id: '7' },
      query: { limit: '5' },
      readFields: async () => ({ name: ' Max ' }),
    });

    expect(valid).toEqual({ params: { id: '7' }, query: { limit: 5 }, body: { name: 'Max' } });
  });

  it('names each offending field, and reads no body while the path or query is invalid', async () => {
    const readFields = jest.fn(async () => ({}));

    const error = await refusal(
      validateRequest(route, { params: { id: 'x' }, query: { limit: '1', extra: 'y' }, readFields }),
    );

    expect(error).toMatchObject({ message: 'invalid path parameter id', details: [{ path: 'id' }] });
    expect(readFields).not.toHaveBeenCalled();
  });
});

describe('runOnce', () => {
  const scope = { tenantId: 't', method: 'POST', path: '/v1/things/1', body: {} };

  it('gives a route that creates nothing no id, and one that creates a fresh id without a key', async () => {
    const deps = makeFakeDeps();
    const ids: string[] = [];
    const run = async (newId: string) => {
      ids.push(newId);
      return { statusCode: 201 };
    };

    await runOnce(deps, aRoute(), { ...scope, key: undefined }, run);
    await runOnce(deps, aRoute({ creates: { idPrefix: 'thing' } }), { ...scope, key: undefined }, run);

    expect(ids).toEqual(['', expect.stringMatching(/^thing_/)]);
  });

  it('replays the first response for a retry with the same key', async () => {
    const deps = makeFakeDeps();
    const route = aRoute({ creates: { idPrefix: 'thing' } });
    const run = jest.fn(async (newId: string) => ({ statusCode: 201, body: { id: newId } }));

    const first = await runOnce(deps, route, { ...scope, key: 'k' }, run);
    const retry = await runOnce(deps, route, { ...scope, key: 'k' }, run);

    expect(run).toHaveBeenCalledTimes(1);
    expect(retry).toEqual({ ...first, headers: { 'idempotent-replayed': 'true' } });
  });

  it('releases the key after a refusal, so a corrected request may use it again', async () => {
    const deps = makeFakeDeps();
    const route = aRoute({ creates: { idPrefix: 'thing' } });
    const refuse = async (): Promise<HttpResult> => {
      throw new ValidationError('invalid request body');
    };

    await refusal(runOnce(deps, route, { ...scope, key: 'k' }, refuse));
    const corrected = await runOnce(deps, route, { ...scope, body: { fixed: true }, key: 'k' }, async () => ({
      statusCode: 201,
    }));

    expect(corrected.statusCode).toBe(201);
  });

  it('keeps the claim after a lost write race, so the retry resumes the same id', async () => {
    const deps = makeFakeDeps();
    const route = aRoute({ creates: { idPrefix: 'thing' } });
    const ids: string[] = [];
    const raceOnce = async (newId: string): Promise<HttpResult> => {
      ids.push(newId);
      if (ids.length === 1) throw new ConcurrencyError('thing changed');
      return { statusCode: 201 };
    };

    await refusal(runOnce(deps, route, { ...scope, key: 'k' }, raceOnce));
    await runOnce(deps, route, { ...scope, key: 'k' }, raceOnce);

    expect(ids[1]).toBe(ids[0]);
  });

  it('refuses a key longer than the limit', async () => {
    const route = aRoute({ creates: { idPrefix: 'thing' } });
    const key = 'k'.repeat(MAX_IDEMPOTENCY_KEY_CHARS + 1);

    expect(
      await refusal(runOnce(makeFakeDeps(), route, { ...scope, key }, async () => ({ statusCode: 201 }))),
    ).toBeInstanceOf(ValidationError);
  });

  it('fingerprints a body regardless of key order, and a file by its bytes', () => {
    const file = (bytes: number[]) => ({ file: { data: new Uint8Array(bytes) } });

    expect(fingerprintOf('POST', '/p', { a: 1, b: 2 })).toBe(fingerprintOf('POST', '/p', { b: 2, a: 1 }));
    expect(fingerprintOf('POST', '/p', file([1]))).not.toBe(fingerprintOf('POST', '/p', file([2])));
  });
});
