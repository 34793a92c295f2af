import { authenticate } from '#lib/app/authenticate';
import { createApiKey } from '#lib/app/api-keys';
import { API_RATE_LIMIT_PER_SECOND } from '#lib/domain/limits/http';
import { makeFakeDeps } from '#test/support/fakes';
import { httpClient } from '#test/support/http';
import { givenTenantWithAi, TEST_API_KEY } from '#test/support/scenario';

async function setup() {
  const deps = makeFakeDeps();
  const { tenantId } = await givenTenantWithAi(deps);
  return { deps, tenantId, call: httpClient(deps, TEST_API_KEY), as: (key: string) => httpClient(deps, key) };
}

describe('API key management', () => {
  it('creates a key that is shown once, works at once and is listed by its prefix only', async () => {
    const { call, as } = await setup();

    const created = await call('POST', '/v1/api-keys', { name: 'Zapier' });

    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^key_/),
      name: 'Zapier',
      prefix: `${created.body.key.slice(0, 9)}…`,
      created_at: '2026-11-27T10:00:00.000Z',
      key: expect.stringMatching(/^prly_[A-Za-z0-9]{40}$/),
    });
    expect((await as(created.body.key)('GET', '/v1/ais')).status).toBe(200);
    const listed = await call('GET', '/v1/api-keys');
    expect(listed.body.next_cursor).toBeNull();
    expect(listed.body.data).toHaveLength(2);
    expect(listed.body.data[1]).toEqual({
      id: created.body.id,
      name: 'Zapier',
      prefix: created.body.prefix,
      created_at: created.body.created_at,
    });
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
  });

  it('gives the same key back for a retried create with the same Idempotency-Key', async () => {
    const { call } = await setup();
    const retry = { 'idempotency-key': 'create-key-1' };

    const first = await call('POST', '/v1/api-keys', {}, retry);
    const second = await call('POST', '/v1/api-keys', {}, retry);

    expect([first.status, first.body.name]).toEqual([201, null]);
    expect(second.body).toEqual(first.body);
    expect((await call('GET', '/v1/api-keys')).body.data).toHaveLength(2);
  });

  it('replaces a key left by a create that never answered, so the key it returns is the one that works', async () => {
    const { deps, tenantId } = await setup();
    const lost = await createApiKey(deps, { tenantId, keyId: 'key_retry' });

    const retried = await createApiKey(deps, { tenantId, keyId: 'key_retry' });

    expect(await authenticate(deps, retried.key)).toBe(tenantId);
    await expect(authenticate(deps, lost.key)).rejects.toThrow('invalid API key');
  });

  it('revokes a key so it stops authenticating at once', async () => {
    const { call, as } = await setup();
    const created = await call('POST', '/v1/api-keys', { name: 'CRM' });

    const revoked = await call('DELETE', `/v1/api-keys/${created.body.id}`);

    expect(revoked.status).toBe(204);
    const refused = await as(created.body.key)('GET', '/v1/ais');
    expect([refused.status, refused.body.error.code]).toEqual([401, 'unauthorized']);
    expect((await call('DELETE', `/v1/api-keys/${created.body.id}`)).status).toBe(404);
  });

  it('refuses to revoke the last key of the account, so it cannot lock itself out', async () => {
    const { call } = await setup();
    const [own] = (await call('GET', '/v1/api-keys')).body.data;

    const refused = await call('DELETE', `/v1/api-keys/${own.id}`);

    expect([refused.status, refused.body.error.code]).toEqual([409, 'conflict']);
    expect((await call('GET', '/v1/ais')).status).toBe(200);
  });

  it("does not let one account see or revoke another account's keys", async () => {
    const { deps, call } = await setup();
    const other = await createApiKey(deps, { tenantId: 'ten_other', keyId: 'key_other' });
    await createApiKey(deps, { tenantId: 'ten_other', keyId: 'key_other_2' });

    const revoked = await call('DELETE', '/v1/api-keys/key_other');

    expect(revoked.status).toBe(404);
    expect(await authenticate(deps, other.key)).toBe('ten_other');
    expect((await call('GET', '/v1/api-keys')).body.data.map((k: { id: string }) => k.id)).not.toContain('key_other');
  });

  it('rotates a key: a new key with the same name works and the old one stops at once', async () => {
    const { call, as } = await setup();
    const old = await call('POST', '/v1/api-keys', { name: 'Zapier' });

    const rotated = await call('POST', `/v1/api-keys/${old.body.id}/rotate`);

    expect([rotated.status, rotated.body.name]).toEqual([201, 'Zapier']);
    expect(rotated.body.id).not.toBe(old.body.id);
    expect((await as(rotated.body.key)('GET', '/v1/ais')).status).toBe(200);
    expect((await as(old.body.key)('GET', '/v1/ais')).status).toBe(401);
    expect((await call('POST', '/v1/api-keys/key_missing/rotate')).status).toBe(404);
  });

  it('rotates the only key of the account, which then works with the new key', async () => {
    const { call, as } = await setup();
    const [own] = (await call('GET', '/v1/api-keys')).body.data;

    const rotated = await call('POST', `/v1/api-keys/${own.id}/rotate`);

    expect(rotated.status).toBe(201);
    expect((await call('GET', '/v1/ais')).status).toBe(401);
    expect((await as(rotated.body.key)('GET', '/v1/api-keys')).body.data).toHaveLength(1);
  });
});

describe('API key rate limit', () => {
  it(`refuses request ${API_RATE_LIMIT_PER_SECOND + 1} within one second with 429, Retry-After and the contract's error body`, async () => {
    const { call } = await setup();
    for (let i = 0; i < API_RATE_LIMIT_PER_SECOND; i++) await call('GET', '/v1/ais');

    const refused = await call('GET', '/v1/ais');

    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.body).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
  });

  it('answers again in the next second', async () => {
    const { call, deps } = await setup();
    for (let i = 0; i <= API_RATE_LIMIT_PER_SECOND; i++) await call('GET', '/v1/ais');

    deps.clock.advance(1_000);

    expect((await call('GET', '/v1/ais')).status).toBe(200);
  });

  it('gives every key of a tenant its own budget', async () => {
    const { call, as } = await setup();
    const second = await call('POST', '/v1/api-keys', { name: 'Second' });
    for (let i = 0; i < API_RATE_LIMIT_PER_SECOND; i++) await call('GET', '/v1/ais');

    expect((await call('GET', '/v1/ais')).status).toBe(429);
    expect((await as(second.body.key)('GET', '/v1/ais')).status).toBe(200);
  });

  it('does not count a request without a valid key against anyone', async () => {
    const { call, as } = await setup();
    for (let i = 0; i < API_RATE_LIMIT_PER_SECOND; i++) await as('prly_not_a_key_000000')('GET', '/v1/ais');

    expect((await call('GET', '/v1/ais')).status).toBe(200);
  });
});
