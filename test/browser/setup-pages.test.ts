/**
 * Products, strategies and goals in the dashboard: each is created (a product with its knowledge
 * base, a strategy with its own follow-ups), edited and deleted through its page, and the API
 * reads back what the page did.
 */
import { jest } from '@jest/globals';
import type { Locator } from 'playwright-core';
import { type DashboardSession, openDashboard } from '#test/support/dashboard-session';

jest.setTimeout(60_000);

const RESOURCES = [
  {
    link: 'Products',
    singular: 'product',
    path: '/v1/products',
    fill: { Name: 'Starter plan', Description: 'Everything a small shop needs.', Price: '$49/month' },
    choose: (form: Locator) => form.getByLabel('Help centre').check(),
    created: { knowledge_base_ids: [expect.any(String)] },
    edit: { label: 'Price', value: '$59/month', field: 'price' },
  },
  {
    link: 'Strategies',
    singular: 'strategy',
    path: '/v1/strategies',
    fill: { Name: 'Consultative', Instructions: 'Ask about their shop before proposing a plan.', Tone: 'warm' },
    choose: async (form: Locator) => {
      await form.getByLabel('Follow-up settings').selectOption({ label: "This strategy's own" });
      await form.getByLabel('Nudge after (hours of silence)').fill('6');
    },
    created: { follow_up: expect.objectContaining({ enabled: true, dropoff_after_hours: 6 }) },
    edit: { label: 'Tone', value: 'warm, concise', field: 'tone' },
  },
  {
    link: 'Goals',
    singular: 'goal',
    path: '/v1/goals',
    fill: { Name: 'Book a demo', Description: 'A call with sales.', 'Goal URL': 'https://example.com/demo' },
    choose: async () => {},
    created: {},
    edit: { label: 'Goal URL', value: 'https://example.com/book', field: 'goal_url' },
  },
] as const;

describe('the setup pages', () => {
  let session: DashboardSession;

  beforeAll(async () => {
    session = await openDashboard();
    // A knowledge base for a product to name.
    await session.api('POST', '/v1/knowledge-bases', { name: 'Help centre' });
  });

  afterAll(async () => {
    await session?.close();
  });

  describe.each(RESOURCES)('$link', (resource) => {
    const name = resource.fill.Name;

    it(`creates a ${resource.singular}`, async () => {
      const { page } = session;
      await session.go(resource.link);
      const form = page.getByRole('region', { name: `New ${resource.singular}` });
      for (const [label, value] of Object.entries(resource.fill)) await form.getByLabel(label).fill(value);
      await resource.choose(form);
      await form.getByRole('button', { name: `Create ${resource.singular}` }).click();
      await page.getByRole('heading', { name, level: 2 }).waitFor();

      const listed = await session.api('GET', resource.path);
      expect(listed.body.data).toEqual([expect.objectContaining({ name, ...resource.created })]);
    });

    it(`edits the ${resource.singular}`, async () => {
      const { page } = session;
      await page.getByRole('button', { name: `Edit ${name}` }).click();
      const item = page.getByRole('listitem').filter({ has: page.getByRole('button', { name: 'Save changes' }) });
      await item.getByLabel(resource.edit.label).fill(resource.edit.value);
      await item.getByRole('button', { name: 'Save changes' }).click();
      await page.getByRole('status').getByText(`Saved ${name}.`).waitFor();
      await session.screenshot(`${resource.link.toLowerCase()}`);

      const listed = await session.api('GET', resource.path);
      expect(listed.body.data[0][resource.edit.field]).toBe(resource.edit.value);
    });

    it(`deletes the ${resource.singular}`, async () => {
      const { page } = session;
      await page.getByRole('button', { name: `Delete ${name}` }).click();
      await page.getByRole('status').getByText(`Deleted ${name}.`).waitFor();
      await page.getByText('None yet.').waitFor();

      expect((await session.api('GET', resource.path)).body.data).toEqual([]);
    });
  });
});
