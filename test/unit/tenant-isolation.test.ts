/**
 * Tenant isolation, route by route, generated from the route table so that a new route cannot
 * skip it: tenant B's key gets a 404 for every one of tenant A's resources, changes nothing of
 * A's, and lists none of A's items.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { routes } from '#functions/http/routes/index';
import {
  type AnyRoute,
  fillPath,
  namesByQuery,
  pathParameters,
  routeKey,
  type SeededTenant,
  seededIdFor,
  seededQueryFor,
  seedTenantThroughApi,
  snapshot,
  VALID_BODIES,
} from '#test/support/api-fixture';
import { type FakeDeps, makeFakeDeps } from '#test/support/fakes';
import { httpClient } from '#test/support/http';
import { TEST_API_KEY } from '#test/support/scenario';

const RIVAL_API_KEY = 'prly_test_rival_fedcba9876543210';

const authenticated = routes.filter((route) => route.auth);
const withParameters = authenticated.filter((route) => pathParameters(route.path).length > 0 || namesByQuery(route));
/** The caller's own account is one record, not a list: it holds no ids (see its own test below). */
const ACCOUNT_PATH = '/v1/account';
const lists = authenticated.filter(
  (route) =>
    route.method === 'GET' &&
    pathParameters(route.path).length === 0 &&
    !namesByQuery(route) &&
    route.path !== ACCOUNT_PATH,
);
const creatingWithoutParameters = authenticated.filter(
  (route) => route.body && route.method === 'POST' && pathParameters(route.path).length === 0,
);

/** Every id tenant A owns, to look for in what tenant B is shown. */
function idsOf(tenant: SeededTenant): string[] {
  const { tenantId: _tenant, apiKey: _key, ...ids } = tenant;
  return Object.values(ids).filter((id): id is string => typeof id === 'string');
}

/** The route's path with A's ids, failing with the route's name when a parameter names nothing known. */
function pathWithIdsOf(route: AnyRoute, tenant: SeededTenant): string {
  const path = fillPath(route, (param) => {
    const id = seededIdFor(route, param, tenant);
    if (id === undefined) {
      throw new Error(
        `${routeKey(route)}: no id of tenant A for {${param}}; add one to PARAMETER_IDS in test/support/api-fixture.ts`,
      );
    }
    return id;
  });
  return path + seededQueryFor(route, tenant);
}

function validBodyOf(route: AnyRoute, tenant: SeededTenant): unknown {
  if (!route.body) return undefined;
  const example = VALID_BODIES[routeKey(route)];
  if (!example) {
    throw new Error(`${routeKey(route)}: no valid body; add one to VALID_BODIES in test/support/api-fixture.ts`);
  }
  return example(tenant);
}

describe('tenant isolation', () => {
  let deps: FakeDeps;
  let tenantA: SeededTenant;
  /** Calls as a tenant, each in a fresh rate-limit window. */
  let asA: ReturnType<typeof httpClient>;
  let asB: ReturnType<typeof httpClient>;

  /** What A reads back through every GET route that names one of its resources. */
  async function readEverythingAsA(): Promise<Record<string, unknown>> {
    const reads: Record<string, unknown> = {};
    for (const route of authenticated.filter((r) => r.method === 'GET')) {
      const path = pathWithIdsOf(route, tenantA);
      const { status, body } = await asA('GET', path);
      reads[path] = { status, body };
    }
    return reads;
  }

  beforeAll(async () => {
    deps = makeFakeDeps({ webhookTargets: 'public' });
    tenantA = await seedTenantThroughApi(deps, TEST_API_KEY, 'Acme');
    await seedTenantThroughApi(deps, RIVAL_API_KEY, 'Rival');
    const inFreshWindow = (client: ReturnType<typeof httpClient>) =>
      ((...args: Parameters<typeof client>) => {
        deps.clock.advance(1_000);
        return client(...args);
      }) as typeof client;
    asA = inFreshWindow(httpClient(deps, TEST_API_KEY));
    asB = inFreshWindow(httpClient(deps, RIVAL_API_KEY));
  });

  it("reads every one of tenant A's resources as A, so the 404s below are about the tenant", async () => {
    const reads = Object.entries(await readEverythingAsA()).map(([path, read]) => [
      path,
      (read as { status: number }).status,
    ]);

    expect(reads.filter(([, status]) => status !== 200)).toEqual([]);
  });

  it('covers at least the resources the contract names', () => {
    const covered = withParameters.map(routeKey);

    expect(covered).toEqual(
      expect.arrayContaining([
        'GET /v1/ais/{id}',
        'DELETE /v1/knowledge-bases/{id}/documents/{document_id}',
        'GET /v1/conversations/{conversation_id}/messages/{message_id}',
        'POST /v2/conversations/{conversation_id}/handoff',
      ]),
    );
  });

  it.each(withParameters.map((route) => [routeKey(route), route] as const))(
    "answers %s with 404 for tenant A's ids, and changes nothing of A's",
    async (_, route) => {
      const path = pathWithIdsOf(route, tenantA);
      const body = validBodyOf(route, tenantA);
      const readsBefore = await readEverythingAsA();
      const stateBefore = snapshot(deps);

      const response = await asB(route.method, path, body);

      expect({ path, status: response.status, code: response.body?.error?.code }).toEqual({
        path,
        status: 404,
        code: 'not_found',
      });
      expect(snapshot(deps)).toBe(stateBefore);
      expect(await readEverythingAsA()).toEqual(readsBefore);
    },
  );

  it.each(lists.map((route) => [routeKey(route), route] as const))(
    "lists none of tenant A's items on %s to tenant B, while A sees its own",
    async (_, route) => {
      const seenByA = JSON.stringify((await asA('GET', route.path)).body);
      const seenByB = await asB('GET', route.path);

      expect(seenByB.status).toBe(200);
      expect(idsOf(tenantA).filter((id) => JSON.stringify(seenByB.body).includes(id))).toEqual([]);
      expect(idsOf(tenantA).some((id) => seenByA.includes(id))).toBe(true);
    },
  );

  it("shows tenant B its own account on GET /v1/account, never tenant A's", async () => {
    await asA('PATCH', ACCOUNT_PATH, { name: 'Tenant A only', data_retention_days: 7 });

    const seenByB = await asB('GET', ACCOUNT_PATH);

    expect(seenByB.status).toBe(200);
    expect(seenByB.body).not.toMatchObject({ name: 'Tenant A only' });
    expect(seenByB.body.data_retention_days).toBeNull();
  });

  it.each(creatingWithoutParameters.map((route) => [routeKey(route), route] as const))(
    "refuses %s from tenant B with 404 when the body names tenant A's resources",
    async (_, route) => {
      const body = validBodyOf(route, tenantA);
      const named = idsOf(tenantA).filter((id) => JSON.stringify(body).includes(id));
      const stateBefore = snapshot(deps);

      const response = await asB('POST', route.path, body);

      if (named.length === 0) {
        // Nothing of A's to name: B may create its own resource; isolation is the lists' test.
        expect(response.status).toBeLessThan(300);
        return;
      }
      expect({ named, status: response.status }).toEqual({ named, status: 404 });
      expect(snapshot(deps)).toBe(stateBefore);
    },
  );

  it.each(authenticated.filter((route) => route.creates).map((route) => [routeKey(route), route] as const))(
    "never replays tenant A's response on %s to tenant B sending the same Idempotency-Key",
    async (_, route) => {
      const path = pathWithIdsOf(route, tenantA);
      const body = validBodyOf(route, tenantA);
      const headers = { 'idempotency-key': `shared-${routeKey(route)}` };

      const first = await asA(route.method, path, body, headers);
      const second = await asB(route.method, path, body, headers);

      expect(first.status).toBeLessThan(300);
      expect(second.headers['idempotent-replayed']).toBeUndefined();
      expect(second.body).not.toEqual(first.body);
    },
  );
});

describe("tenant A's own requests, the control for the 404s above", () => {
  it.each(withParameters.map((route) => [routeKey(route), route] as const))(
    "answers %s for tenant A's ids with something other than 404",
    async (_, route) => {
      const deps = makeFakeDeps({ webhookTargets: 'public' });
      const tenant = await seedTenantThroughApi(deps, TEST_API_KEY, 'Acme');
      const call = httpClient(deps, TEST_API_KEY);
      deps.clock.advance(1_000);

      const response = await call(route.method, pathWithIdsOf(route, tenant), validBodyOf(route, tenant));

      expect(`${response.status} ${JSON.stringify(response.body)}`).not.toMatch(/^(404|5\d\d) /);
    },
  );
});
