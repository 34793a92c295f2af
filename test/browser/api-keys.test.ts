/**
 * The API keys page: the API's refusal to revoke the last key shows as worded; a new key is shown
 * once and copied; rotating replaces it (the old one stops at once); revoking removes it.
 */
import { jest } from '@jest/globals';
import { type DashboardSession, openDashboard } from '#test/support/dashboard-session';

jest.setTimeout(60_000);

describe('the API keys page', () => {
  let session: DashboardSession;
  let created: string;
  let rotated: string;

  beforeAll(async () => {
    session = await openDashboard();
    await session.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  });

  afterAll(async () => {
    await session?.close();
  });

  /** A call with `key` rather than the session's: whether the API still takes it. */
  const statusWith = async (key: string) =>
    (await fetch(`${session.runtime.url}/v1/ais`, { headers: { authorization: `Bearer ${key}` } })).status;

  it("shows the API's refusal to revoke the account's last key", async () => {
    const { page } = session;
    await session.go('API keys');
    await page.getByRole('button', { name: /^Revoke / }).click();

    await page.getByRole('alert').getByText('this is the last API key of the account').waitFor();
    expect(await statusWith(session.runtime.apiKey)).toBe(200);
  });

  it('creates a key, shows it once and copies it', async () => {
    const { page } = session;
    await page.getByLabel('Key name').fill('Zapier');
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = page.getByRole('region', { name: 'New key: Zapier' }).getByText(/^prly_/);
    await shown.waitFor();
    created = (await shown.textContent()) ?? '';
    await page.getByRole('button', { name: 'Revoke Zapier' }).waitFor();
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByRole('status').getByText('Copied.').waitFor();
    await session.screenshot('api-keys');

    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(created);
    expect(await page.getByRole('button', { name: /^Revoke / }).count()).toBe(2);
    expect(await statusWith(created)).toBe(200);
  });

  it('rotates the key: the new one is shown once and the old one stops working', async () => {
    const { page } = session;
    await page.getByRole('button', { name: 'Rotate Zapier' }).click();
    await page.getByRole('status').getByText('Replaced the key Zapier.').waitFor();
    rotated =
      (await page
        .getByRole('region', { name: 'New key: Zapier' })
        .getByText(/^prly_/)
        .textContent()) ?? '';

    expect(rotated).not.toBe(created);
    expect(await statusWith(created)).toBe(401);
    expect(await statusWith(rotated)).toBe(200);
  });

  it('revokes the key', async () => {
    const { page } = session;
    await page.getByRole('button', { name: 'Revoke Zapier' }).click();
    await page.getByRole('status').getByText('Revoked the key Zapier.').waitFor();
    // The list is read again after the revocation: wait for it to hold the remaining key.
    await page.getByRole('button', { name: 'Revoke Zapier' }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: /^Revoke / }).waitFor();

    expect(await page.getByRole('button', { name: /^Revoke / }).count()).toBe(1);
    expect(await statusWith(rotated)).toBe(401);
  });
});
