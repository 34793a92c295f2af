/**
 * Property-based fuzzing of every route in the route table (so a new route is fuzzed without
 * anyone writing a test for it): arbitrary JSON, prototype-pollution keys, deep nesting, huge
 * strings, junk query strings and path parameters. Whatever arrives, the answer is a 2xx or 4xx,
 * never a 5xx; Object.prototype is untouched; and a refused request leaves no record behind.
 */
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createHttpHandler } from '#functions/http/router';
import { routes } from '#functions/http/routes/index';
import { MAX_BODY_BYTES } from '#lib/domain/limits/http';
import {
  type AnyRoute,
  fillPath,
  routeKey,
  type SeededTenant,
  seededIdFor,
  seedTenantThroughApi,
  snapshot,
  VALID_BODIES,
} from '#test/support/api-fixture';
import { type FakeDeps, makeFakeDeps } from '#test/support/fakes';
import { apiEvent } from '#test/support/http';
import { TEST_API_KEY } from '#test/support/scenario';

const RUNS = Number(process.env.FUZZ_RUNS ?? 80);
const handle = createHttpHandler(routes);

// ── Arbitraries ─────────────────────────────────────────────────────────────────────────────────

const DANGEROUS_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'polluted'];
const POLLUTION = '{"polluted":"yes","isAdmin":true}';

/** An object whose keys are all own properties, `__proto__` included, as JSON.parse would build it. */
function objectOf(entries: [string, unknown][]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(object, k, { value: v, enumerable: true, writable: true });
  return object;
}

const numberLike = fc.constantFrom('NaN', 'Infinity', '-Infinity', '-0', '1e309', '0x10', '1_000', ' 7 ', '', '٣');
const leaf = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  numberLike,
  fc.constantFrom('https://example.com/', 'http://10.0.0.1/', 'javascript:alert(1)', 'a@b.c', 'sales', 'up'),
);

/** JSON values with object keys drawn partly from the route's own field names and dangerous ones. */
function jsonTree(fieldNames: string[]) {
  const key = fc.oneof(
    { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
    { weight: 2, arbitrary: fc.constantFrom(...DANGEROUS_KEYS) },
    { weight: 3, arbitrary: fieldNames.length ? fc.constantFrom(...fieldNames) : fc.string({ maxLength: 12 }) },
  );
  const { node } = fc.letrec<{ node: unknown; array: unknown[]; object: Record<string, unknown> }>((tie) => ({
    node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object')),
    array: fc.array(tie('node'), { maxLength: 4 }),
    object: fc.array(fc.tuple(key, tie('node')), { maxLength: 5 }).map(objectOf),
  }));
  return node;
}

const deepNesting = fc
  .tuple(fc.integer({ min: 50, max: 5_000 }), fc.constantFrom('[', '{"a":'))
  .map(([depth, open]) => `${open.repeat(depth)}1${(open === '[' ? ']' : '}').repeat(depth)}`);

/** The raw request body: JSON of many shapes, invalid JSON, pollution, nesting, sizes near the limit. */
function bodyText(fieldNames: string[]): fc.Arbitrary<string | undefined> {
  const field = fieldNames.length ? fc.constantFrom(...fieldNames) : fc.constant('name');
  return fc.oneof(
    { weight: 6, arbitrary: jsonTree(fieldNames).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        `{"__proto__":${POLLUTION}}`,
        `{"constructor":{"prototype":${POLLUTION}}}`,
        `[{"__proto__":${POLLUTION}}]`,
        `{"metadata":{"__proto__":${POLLUTION}},"contact":{"__proto__":${POLLUTION}}}`,
        `{"webhooks":{"constructor":{"prototype":${POLLUTION}}}}`,
      ),
    },
    { weight: 1, arbitrary: deepNesting },
    {
      weight: 1,
      arbitrary: fc
        .tuple(field, fc.integer({ min: 1_000, max: MAX_BODY_BYTES + 16 }))
        .map(([name, n]) => JSON.stringify({ [name]: 'x'.repeat(n) })),
    },
  );
}

const cursor = fc.oneof(
  jsonTree(['list', 'tenantId', 'after']).map((v) => Buffer.from(JSON.stringify(v)).toString('base64url')),
  fc.constant(Buffer.from('{"list":"ai","tenantId":"tnt_other","after":"x"}').toString('base64url')),
  fc.string({ maxLength: 30 }),
);
const queryValue = fc.oneof(
  fc.string({ maxLength: 20 }),
  numberLike,
  fc.constantFrom('1', '100', '101', '1.5'),
  cursor,
);
const queryKey = fc.oneof(fc.constantFrom('limit', 'cursor', '__proto__', 'constructor'), fc.string({ maxLength: 8 }));
const query = fc.option(
  fc
    .array(fc.tuple(queryKey, queryValue), { maxLength: 4 })
    .map((entries) => objectOf(entries) as Record<string, string>),
  { nil: undefined },
);

const JUNK_SEGMENTS = [
  '%',
  '%E0%A4%A',
  '%00',
  '..',
  '%2F',
  '%2e%2e',
  'a%20b',
  '__proto__',
  'constructor',
  '%F0%9F%98%80',
];
/** A raw (already encoded) path segment: a real id, an encoded arbitrary string, or encoded junk. */
function segment(realId: string | undefined): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: realId ? 3 : 0, arbitrary: fc.constant(encodeURIComponent(realId ?? 'x')) },
    { weight: 2, arbitrary: fc.string({ maxLength: 30 }).map(encodeURIComponent) },
    { weight: 1, arbitrary: fc.constantFrom(...JUNK_SEGMENTS, 'x'.repeat(300)) },
  );
}

const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  {
    weight: 1,
    arbitrary: fc.constantFrom('text/plain', 'multipart/form-data; boundary=xyz', '', 'application/x+json'),
  },
);
const idempotencyKey = fc.option(fc.string({ minLength: 1, maxLength: 300 }), { freq: 4, nil: undefined });

// ── Mutations of a valid body ───────────────────────────────────────────────────────────────────

type Mutation =
  | { kind: 'keep' }
  | { kind: 'delete'; at: number }
  | { kind: 'set'; at: number; key: string; value: unknown };

/** Every object inside a value (the value itself first), to pick one to mutate. */
function objectsIn(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.flatMap(objectsIn);
  if (value === null || typeof value !== 'object') return [];
  return [value as Record<string, unknown>, ...Object.values(value).flatMap(objectsIn)];
}

function mutate(valid: unknown, mutation: Mutation): unknown {
  const copy = structuredClone(valid);
  if (mutation.kind === 'keep') return copy;
  const objects = objectsIn(copy);
  const target = objects[mutation.at % Math.max(objects.length, 1)];
  if (!target) return mutation.kind === 'set' ? mutation.value : copy;
  const keys = Object.keys(target);
  if (mutation.kind === 'delete') {
    const victim = keys[mutation.at % Math.max(keys.length, 1)];
    if (victim !== undefined) delete target[victim];
  } else {
    Object.defineProperty(target, mutation.key, { value: mutation.value, enumerable: true, writable: true });
  }
  return copy;
}

function mutation(fieldNames: string[]): fc.Arbitrary<Mutation> {
  const key = fc.oneof(fc.constantFrom(...DANGEROUS_KEYS, ...fieldNames), fc.string({ maxLength: 10 }));
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant<Mutation>({ kind: 'keep' }) },
    { weight: 2, arbitrary: fc.nat().map((at): Mutation => ({ kind: 'delete', at })) },
    {
      weight: 6,
      arbitrary: fc
        .tuple(fc.nat(), key, jsonTree(fieldNames))
        .map(([at, k, value]): Mutation => ({ kind: 'set', at, key: k, value })),
    },
  );
}

// ── The state a refused request must leave as it was ───────────────────────────────────────────

const PROTOTYPES = [Object.prototype, Array.prototype, Function.prototype, String.prototype];
const baseline = PROTOTYPES.map((p) => Object.getOwnPropertyNames(p).sort());

function pollution(): string | undefined {
  const probe = {} as Record<string, unknown>;
  if (probe.polluted !== undefined || probe.isAdmin !== undefined) return 'a fresh object has a polluted property';
  const changed = PROTOTYPES.findIndex(
    (p, i) => JSON.stringify(Object.getOwnPropertyNames(p).sort()) !== JSON.stringify(baseline[i]),
  );
  return changed === -1 ? undefined : `prototype #${changed} gained properties`;
}

// ── The property ────────────────────────────────────────────────────────────────────────────────

interface Request {
  path: string;
  body: string | undefined;
  query: Record<string, string> | undefined;
  contentType: string;
  idempotencyKey: string | undefined;
}

async function send(deps: FakeDeps, method: string, request: Request) {
  const headers: Record<string, string> = {
    authorization: `Bearer ${TEST_API_KEY}`,
    'content-type': request.contentType,
    ...(request.idempotencyKey === undefined ? {} : { 'idempotency-key': request.idempotencyKey }),
  };
  const event = apiEvent(method, request.path, {
    ...(request.body === undefined ? {} : { body: request.body }),
    headers,
    ...(request.query ? { query: request.query } : {}),
  });
  return handle(deps, event);
}

/** Sends one request and checks the three invariants, naming the request and any logged stack on failure. */
async function checkInvariants(deps: FakeDeps, route: AnyRoute, request: Request): Promise<void> {
  deps.clock.advance(1_000); // a fresh rate-limit window, so every request reaches its route
  const before = snapshot(deps);
  deps.logger.lines.length = 0;
  const response = await send(deps, route.method, request);
  const status = response.statusCode ?? 0;
  const describeFailure = (problem: string) =>
    `${routeKey(route)}: ${problem}\nrequest: ${JSON.stringify(request).slice(0, 2_000)}\nresponse: ${status} ${String(
      response.body,
    ).slice(0, 500)}\nlogged: ${JSON.stringify(deps.logger.lines.filter((l) => l.level === 'error')).slice(0, 3_000)}`;
  if (status < 200 || status >= 500) throw new Error(describeFailure(`answered ${status}`));
  const polluted = pollution();
  if (polluted) throw new Error(describeFailure(polluted));
  if (status >= 400 && snapshot(deps) !== before) throw new Error(describeFailure('a refused request changed state'));
}

/** Field names a route's valid body uses, to steer generated keys towards ones the schema reads. */
function fieldNamesOf(route: AnyRoute, tenant: SeededTenant): string[] {
  const valid = VALID_BODIES[routeKey(route)]?.(tenant);
  return [...new Set(objectsIn(valid).flatMap((o) => Object.keys(o)))];
}

function requestFor(route: AnyRoute, tenant: SeededTenant, body: fc.Arbitrary<string | undefined>) {
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');
  const segments = fc.tuple(...names.map((name) => segment(seededIdFor(route, name, tenant))));
  return fc
    .record({ segments, body, query, contentType, idempotencyKey })
    .map(({ segments: values, ...rest }): Request => {
      let i = 0;
      const path = route.path.replace(/\{(\w+)\}/g, () => values[i++] ?? '');
      return { path, ...rest };
    });
}

// ── The suite ───────────────────────────────────────────────────────────────────────────────────

describe('every route under fuzzing', () => {
  let deps: FakeDeps;
  let tenant: SeededTenant;

  async function freshTenant() {
    deps = makeFakeDeps({ webhookTargets: 'public' });
    tenant = await seedTenantThroughApi(deps, TEST_API_KEY, 'Acme');
  }

  afterEach(() => {
    expect(pollution()).toBeUndefined();
  });

  it('has a valid example body for every route that takes one, so the mutation fuzzing below reaches it', () => {
    const missing = routes.filter((r) => r.body && !VALID_BODIES[routeKey(r)]).map(routeKey);
    const stale = Object.keys(VALID_BODIES).filter((k) => !routes.some((r) => routeKey(r) === k));

    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  });

  describe.each(routes.map((route) => [routeKey(route), route] as const))('%s', (_, route) => {
    beforeAll(freshTenant);

    it('answers arbitrary JSON, queries and path parameters with a 2xx or 4xx, leaving a refusal without trace', async () => {
      await fc.assert(
        fc.asyncProperty(requestFor(route, tenant, bodyText(fieldNamesOf(route, tenant))), (request) =>
          checkInvariants(deps, route, request),
        ),
        { numRuns: RUNS },
      );
    });

    const example = VALID_BODIES[routeKey(route)];
    if (route.body && example) {
      it('answers mutations of a valid body with a 2xx or 4xx, leaving a refusal without trace', async () => {
        // State the arbitrary requests above may have changed (a gap they answered, say) is not the
        // example's to meet: it is sent to a tenant as seeded.
        await freshTenant();
        const valid = example(tenant);
        const valuesOf = (name: string) => seededIdFor(route, name, tenant) ?? 'missing';
        deps.clock.advance(1_000);
        const accepted = await send(deps, route.method, {
          path: fillPath(route, valuesOf),
          body: JSON.stringify(valid),
          query: undefined,
          contentType: 'application/json',
          idempotencyKey: undefined,
        });
        // The example itself must be accepted, or the mutations below would only probe validation.
        expect(`${accepted.statusCode} ${accepted.body}`).toMatch(/^2\d\d /);

        await fc.assert(
          fc.asyncProperty(mutation(fieldNamesOf(route, tenant)), contentType, idempotencyKey, (m, type, key) =>
            checkInvariants(deps, route, {
              path: fillPath(route, valuesOf),
              body: JSON.stringify(mutate(valid, m)),
              query: undefined,
              contentType: type,
              idempotencyKey: key,
            }),
          ),
          { numRuns: RUNS },
        );
      });
    }
  });
});
