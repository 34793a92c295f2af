/**
 * The conversations inbox in the dashboard, over conversations made through the API: those waiting
 * for a person come first, the filters (needs a person, status, AI) and the search (the start of a
 * contact's e-mail) narrow it, and a long list pages by the API's cursor.
 */
import { jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { type DashboardSession, openDashboard } from '#test/support/dashboard-session';

jest.setTimeout(90_000);

/** The dashboard's page size (the contract's default): one more conversation makes a second page. */
const PAGE_SIZE = 20;
const OTHERS = PAGE_SIZE + 1;
/** Answering runs behind the generation queue: about a second each locally. */
const ANSWERS_MS = 30_000;

const list = (page: Page, name: string) => page.getByRole('list', { name, exact: true });
const rows = (page: Page, name: string) => list(page, name).getByRole('listitem');
/** A section's "nothing here", shown once its list has been read (not while it loads). */
const empty = (page: Page, name: string) =>
  page.getByRole('region', { name, exact: true }).getByText('No conversations here.').waitFor();

/** Answers move a conversation to the top: wait for them, so that pages do not shift under the test. */
async function answersSettled({ api }: DashboardSession): Promise<void> {
  const deadline = Date.now() + ANSWERS_MS;
  for (;;) {
    const listed = (await api('GET', '/v2/conversations?limit=100')).body.data as {
      last_message: { direction: string } | null;
    }[];
    const answered = listed.filter((row) => row.last_message?.direction === 'outbound');
    if (listed.length === OTHERS + 2 && answered.length === listed.length) return;
    if (Date.now() > deadline) throw new Error('the conversations were not answered in time');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('the conversations inbox', () => {
  let session: DashboardSession;

  beforeAll(async () => {
    session = await openDashboard();
    const { api } = session;
    // No emergency calls: only the handoff below makes a conversation wait for a person.
    const setup = { webhooks: { answer_url: 'http://127.0.0.1:9/answer' }, emergency: { enabled: false } };
    const ada = (await api('POST', '/v1/ais', { type: 'support', name: 'Ada', ...setup })).body;
    const bo = (await api('POST', '/v1/ais', { type: 'sales', name: 'Bo', ...setup })).body;
    for (let n = 0; n < OTHERS; n++) {
      const id = `lead-${String(n).padStart(2, '0')}@example.com`;
      await api('POST', '/v2/messages', {
        ai_id: ada.id,
        conversation_id: id,
        message: `Hello ${n}`,
        channel: 'email',
      });
    }
    await api('POST', '/v2/messages', {
      ai_id: ada.id,
      conversation_id: 'ticket-77',
      message: 'I want to speak to someone about my refund, please call me back as soon as you can.',
      contact: { first_name: 'Grace', last_name: 'Hopper', email: 'grace@example.com' },
      channel: 'email',
    });
    await api('POST', '/v2/messages', {
      ai_id: bo.id,
      conversation_id: 'thread-9',
      message: 'How much is the yearly plan?',
      contact: { first_name: 'Zed', email: 'Zed.Lead@example.org' },
      channel: 'sms',
    });
    await answersSettled(session);
    await api('POST', '/v2/conversations/ticket-77/handoff');
  });

  afterAll(async () => {
    await session?.close();
  });

  it('lists the conversations waiting for a person first, each row with what an inbox shows', async () => {
    const { page } = session;
    await session.go('Conversations');
    const waiting = rows(page, 'Needs a person');
    await waiting.first().waitFor();
    await rows(page, 'Handled by the AI').first().waitFor();
    await session.screenshot('inbox');

    expect(await waiting.count()).toBe(1);
    const row = await waiting.first().textContent();
    expect(row).toContain('Grace Hopper');
    expect(row).toContain('handed off');
    expect(row).toContain('needs a person');
    expect(row).toContain('ticket-77');
    expect(row).toContain('reply: Hi Grace');
    expect(row).toMatch(/\d+ message\(s\)/);
    expect(await waiting.first().getByRole('link', { name: 'Grace Hopper' }).getAttribute('href')).toBe(
      '#/conversations/ticket-77',
    );
  });

  it('pages through the rest by the cursor', async () => {
    const { page } = session;
    const others = rows(page, 'Handled by the AI');
    expect(await others.count()).toBe(PAGE_SIZE);

    await page.getByRole('button', { name: 'Load more' }).click();
    await others.nth(PAGE_SIZE).waitFor();

    // Every conversation not waiting for a person: the 21 leads and Zed's.
    expect(await others.count()).toBe(OTHERS + 1);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
  });

  it('filters by needs a person, by status and by AI', async () => {
    const { page } = session;
    const needsHuman = page.getByRole('combobox', { name: 'Needs a person' });
    await needsHuman.selectOption({ label: 'Needs a person' });
    await page.getByRole('heading', { name: 'Handled by the AI' }).waitFor({ state: 'detached' });
    expect(await rows(page, 'Needs a person').count()).toBe(1);

    await needsHuman.selectOption({ label: 'Either' });
    await page.getByRole('combobox', { name: 'Status' }).selectOption({ label: 'Handed off' });
    await empty(page, 'Handled by the AI');
    expect(await rows(page, 'Needs a person').allTextContents()).toEqual([expect.stringContaining('ticket-77')]);

    await page.getByRole('combobox', { name: 'Status' }).selectOption({ label: 'Any status' });
    await page.getByRole('combobox', { name: 'AI', exact: true }).selectOption({ label: 'Bo' });
    await rows(page, 'Handled by the AI').filter({ hasText: 'Zed' }).waitFor();
    await empty(page, 'Needs a person');
    expect(await rows(page, 'Handled by the AI').count()).toBe(1);
    await page.getByRole('combobox', { name: 'AI', exact: true }).selectOption({ label: 'Any AI' });
  });

  it("searches by the start of a contact's e-mail, ignoring case", async () => {
    const { page } = session;
    await page.getByRole('searchbox', { name: 'Search' }).fill('zed.l');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await rows(page, 'Handled by the AI').filter({ hasText: 'thread-9' }).waitFor();
    await empty(page, 'Needs a person');
    await session.screenshot('inbox-search');

    expect(await rows(page, 'Handled by the AI').count()).toBe(1);
  });
});
