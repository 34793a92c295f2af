/**
 * A prospect's data in the dashboard: the conversation view keeps itself current while open,
 * exports the conversation as a JSON file and deletes it, after which it is gone from the inbox,
 * from its own URL, from search and from its delivery; and the account's retention is saved and
 * read back, refused out of range next to its field.
 */
import { readFile } from 'node:fs/promises';
import { jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { MAX_DATA_RETENTION_DAYS } from '#lib/domain/limits/retention';
import { type DashboardSession, openDashboard } from '#test/support/dashboard-session';
import { startWebhookReceiver, type WebhookReceiver } from '#test/support/webhook-receiver';

jest.setTimeout(60_000);

/** Answering runs behind the generation and delivery queues: about a second each locally. */
const ANSWER_MS = 20_000;
const ERASED = 'erin@example.com';
const KEPT = 'kim@example.com';
const QUESTION = 'What are your opening hours?';

/** The inbox's rows, in either section: the AI has no knowledge, so its abstentions wait for a person. */
const inboxRows = (page: Page) =>
  page.getByRole('list', { name: /^(Needs a person|Handled by the AI)$/ }).getByRole('listitem');

describe("a prospect's data in the dashboard", () => {
  let session: DashboardSession;
  let receiver: WebhookReceiver;
  let aiId: string;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    session = await openDashboard();
    const setup = { webhooks: { answer_url: receiver.url }, emergency: { enabled: false } };
    aiId = (await session.api('POST', '/v1/ais', { type: 'support', name: 'Ada', ...setup })).body.id;
    for (const [id, first_name] of [
      [KEPT, 'Kim'],
      [ERASED, 'Erin'],
    ] as const) {
      await session.api('POST', '/v2/messages', {
        ai_id: aiId,
        conversation_id: id,
        message: QUESTION,
        contact: { first_name, email: id },
      });
    }
    await receiver.waitFor(2, ANSWER_MS);
  });

  afterAll(async () => {
    await session?.close();
    await receiver?.stop();
  });

  it('shows a new message while the conversation is open, without being asked to refresh', async () => {
    const { page, api } = session;
    await session.go('Conversations');
    await page.getByRole('link', { name: 'Erin', exact: true }).click();
    await page.getByRole('heading', { name: `Conversation ${ERASED}`, level: 1 }).waitFor();
    await page.getByText('Hi Erin', { exact: false }).first().waitFor();

    await api('POST', '/v2/messages', { ai_id: aiId, conversation_id: ERASED, message: 'And on Sundays?' });

    await page.getByText('And on Sundays?', { exact: true }).waitFor({ timeout: ANSWER_MS });
    await receiver.waitFor(3, ANSWER_MS);
  });

  it('exports the conversation as a JSON file with its messages', async () => {
    const { page } = session;
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export as JSON' }).click(),
    ]);
    const exported = JSON.parse(await readFile((await download.path()) as string, 'utf8'));

    expect(download.suggestedFilename()).toBe(`conversation-${ERASED}.json`);
    expect(exported.conversation.messages.map((message: { text: string }) => message.text)).toEqual(
      expect.arrayContaining([QUESTION, 'And on Sundays?']),
    );
    expect(JSON.stringify(exported.deliveries)).toContain('Hi Erin');
    // The AI has no knowledge: its answers are knowledge gaps, which erasure removes too.
    expect(JSON.stringify((await session.api('GET', '/v1/knowledge-gaps')).body)).toContain(ERASED);
  });

  it('deletes the conversation: gone from the inbox, its URL, search and its delivery', async () => {
    const { page, api } = session;
    await page.getByRole('button', { name: 'Delete conversation' }).click();
    await page.getByRole('status').getByText(`Deleted conversation ${ERASED}.`).waitFor();
    await page.getByRole('heading', { name: 'Conversations', level: 1 }).waitFor();
    await inboxRows(page).filter({ hasText: KEPT }).waitFor();
    expect(await inboxRows(page).filter({ hasText: ERASED }).count()).toBe(0);

    await page.getByRole('searchbox', { name: 'Search' }).fill('erin');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page
      .getByRole('region', { name: 'Handled by the AI', exact: true })
      .getByText('No conversations here.')
      .waitFor();

    await page.goto(`${session.runtime.url}/#/conversations/${encodeURIComponent(ERASED)}`);
    await page.getByText(`There is no conversation ${ERASED}`).waitFor();
    await session.screenshot('conversation-deleted');

    // A delivery's body is readable only through the export, which is gone with the conversation.
    expect((await api('GET', `/v2/conversations/${encodeURIComponent(ERASED)}/export`)).status).toBe(404);
    const deliveries = JSON.stringify((await api('GET', '/v2/deliveries')).body);
    expect(deliveries).not.toContain('Hi Erin');
    expect(deliveries).not.toContain(QUESTION);
    expect(JSON.stringify((await api('GET', '/v1/knowledge-gaps')).body)).not.toContain(ERASED);
  });

  it('saves the account retention and reads it back, refusing a value out of range next to its field', async () => {
    const { page, api } = session;
    await session.go('Account');
    const retention = page.getByLabel('Data retention (days)');
    await retention.fill(String(MAX_DATA_RETENTION_DAYS + 1));
    await page.getByRole('button', { name: 'Save account' }).click();
    await page.getByText(`A whole number of days from 1 to ${MAX_DATA_RETENTION_DAYS}`).waitFor();
    expect(await retention.getAttribute('aria-invalid')).toBe('true');

    await retention.fill('30');
    await page.getByRole('button', { name: 'Save account' }).click();
    await page.getByRole('status').getByText('Account saved.').waitFor();
    await page.reload();
    await page.getByLabel('Data retention (days)').waitFor();

    expect(await page.getByLabel('Data retention (days)').inputValue()).toBe('30');
    expect((await api('GET', '/v1/account')).body).toMatchObject({ data_retention_days: 30 });
  });
});
