/**
 * Test sets in the dashboard, on the offline model: a business writes a set of two cases for its
 * AI, runs it and reads one pass and one fail with the failed expectation's reason, corrects the
 * failing case's expectation, runs again and compares the two runs; adds cases from a CSV file;
 * and copies a prospect's message from a conversation into the set.
 */
import { jest } from '@jest/globals';
import type { Locator } from 'playwright-core';
import { type DashboardSession, eventually, openDashboard } from '#test/support/dashboard-session';

jest.setTimeout(90_000);

/** Indexing, answering and each case of a run go through queues: about a second each locally. */
const BACKGROUND_WORK_MS = 20_000;

const REFUND_POLICY = `# Refund policy

We refund any order within 30 days of delivery. A refund reaches your card within 5 business days.
`;
const PASSING = 'How long does a refund take to reach my card?';
const FAILING = 'How many days after delivery can I still get a refund?';
const CSV = `message,contains,not_contains,cites_document_id,offers_goal_url,escalates,abstains
When will my refund arrive?,5 business days,,,,,
Do you ship kits to Canada?,,,,,,
`;
const PROSPECT = 'grace@example.com';
const PROSPECT_QUESTION = 'Is a refund possible for a damaged order?';

describe('test sets in the dashboard', () => {
  let session: DashboardSession;
  let aiId: string;

  const testCase = (number: number): Locator => session.page.getByRole('group', { name: `Case ${number}` });
  const result = (message: string): Locator => session.page.getByRole('article', { name: `Case ${message}` });

  async function runTheSet(): Promise<void> {
    const { page } = session;
    await page.getByRole('button', { name: 'Run the test set' }).click();
    await page.getByRole('heading', { name: 'Run of Refunds', level: 1 }).waitFor();
    // The page reads the run again every second until it is done, then says so.
    await page.getByRole('status').getByText('Run finished').waitFor({ timeout: BACKGROUND_WORK_MS });
  }

  beforeAll(async () => {
    session = await openDashboard();
    const { api } = session;
    const base = (await api('POST', '/v1/knowledge-bases', { name: 'Help centre' })).body.id;
    const added = await api('POST', `/v1/knowledge-bases/${base}/documents`, {
      title: 'Refund policy',
      content: REFUND_POLICY,
      content_type: 'text/markdown',
    });
    await eventually(async () => {
      const document = await api('GET', `/v1/knowledge-bases/${base}/documents/${added.body.document_id}`);
      return document.body.status === 'ready' ? true : undefined;
    });
    const ai = await api('POST', '/v1/ais', {
      type: 'support',
      name: 'Ada',
      webhooks: { answer_url: 'http://127.0.0.1:9/answer' },
      knowledge_base_ids: [base],
    });
    expect(ai.status).toBe(201);
    aiId = ai.body.id;
    // The dashboard opened on the AIs page before Ada existed.
    await session.page.reload();
  });

  afterAll(async () => {
    await session?.close();
  });

  it('creates a set with two cases from the AI’s page and saves them', async () => {
    const { page, api } = session;
    await session.go('AIs');
    await page.getByRole('link', { name: 'Ada', exact: true }).click();
    await page.getByRole('link', { name: 'Test sets', exact: true }).click();
    await page.getByRole('heading', { name: 'Test sets of Ada', level: 1 }).waitFor();
    await page.getByLabel('Test set name').fill('Refunds');
    await page.getByRole('button', { name: 'Create test set' }).click();
    await page.getByRole('heading', { name: 'Refunds', level: 1 }).waitFor();

    await page.getByRole('button', { name: 'Add a case' }).click();
    await testCase(1).getByLabel('Message').fill(PASSING);
    await testCase(1).getByLabel('Reply contains').fill('5 business days');
    await testCase(1).getByLabel('Rubric').fill('Says how long a refund takes, politely.');
    await page.getByRole('button', { name: 'Add a case' }).click();
    await testCase(2).getByLabel('Message').fill(FAILING);
    await testCase(2).getByLabel('Reply contains').fill('60 days');
    await testCase(2).getByLabel('Follow-up after').fill('tomorrow');
    await page.getByRole('button', { name: 'Save test set' }).click();
    // The browser's own check names the field before anything is sent.
    await testCase(2).getByText('must be an ISO 8601 duration like PT12H').waitFor();
    await session.screenshot('test-set-field-error');
    await testCase(2).getByLabel('Follow-up after').fill('');
    await page.getByRole('button', { name: 'Save test set' }).click();
    await page.getByRole('status').getByText('Saved Refunds: 2 case(s).').waitFor();
    await session.screenshot('test-set');

    const sets = (await api('GET', `/v1/ais/${aiId}/test-sets`)).body.data;
    expect(sets).toEqual([expect.objectContaining({ name: 'Refunds' })]);
    const set = (await api('GET', `/v1/ais/${aiId}/test-sets/${sets[0].set_id}`)).body;
    expect(set.cases).toEqual([
      expect.objectContaining({ message: PASSING, expect: { contains: ['5 business days'] } }),
      expect.objectContaining({ message: FAILING, expect: { contains: ['60 days'] } }),
    ]);
  });

  it('runs the set and shows one case passed and one failed with the reason', async () => {
    await runTheSet();
    await session.screenshot('test-run');

    const { page } = session;
    expect(await page.getByText('1 of 2 passed').first().isVisible()).toBe(true);
    await result(PASSING).getByText('passed', { exact: true }).waitFor();
    expect(await result(FAILING).getByRole('list', { name: 'Failed expectations' }).textContent()).toBe(
      'expected the reply to contain “60 days”',
    );
    // The offline model never judges a rubric, says so, and the case is decided by its expectations.
    expect(await result(PASSING).getByRole('definition').nth(3).textContent()).toMatch(/^not judged/);
    expect(await result(FAILING).getByRole('definition').nth(3).textContent()).toBe('none');
  });

  it('corrects the failing case’s expectation, runs again and compares the two runs', async () => {
    const { page } = session;
    await page.getByRole('link', { name: 'Back to the test set' }).click();
    await testCase(2).getByLabel('Reply contains').fill('30 days');
    await page.getByRole('button', { name: 'Save test set' }).click();
    await page.getByRole('status').getByText('Saved Refunds').waitFor();
    await runTheSet();
    expect(await page.getByText('2 of 2 passed').first().isVisible()).toBe(true);

    await page.getByRole('link', { name: 'Back to the test set' }).click();
    // Newest against the one before it, unless picked otherwise.
    await page.getByRole('button', { name: 'Compare runs' }).click();
    await page.getByRole('heading', { name: 'Compare runs of Refunds', level: 1 }).waitFor();
    await session.screenshot('test-run-comparison');

    const row = (message: string) =>
      page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: message }) });
    expect(await row(FAILING).getByRole('cell').last().textContent()).toBe('fixed');
    expect(await row(PASSING).getByRole('cell').last().textContent()).toBe('unchanged');
    expect(await page.getByText('No regression.').isVisible()).toBe(true);
  });

  it('adds cases from a CSV file', async () => {
    const { page } = session;
    await page.goto(`${session.runtime.url}/#/ais/${aiId}/test-sets`);
    await page.getByRole('link', { name: 'Refunds', exact: true }).click();
    await page
      .getByLabel('CSV file')
      .setInputFiles({ name: 'cases.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await page.getByRole('button', { name: 'Add cases' }).click();
    await page.getByRole('status').getByText('the set has 4.').waitFor();

    expect(await testCase(3).getByLabel('Message').inputValue()).toBe('When will my refund arrive?');
    expect(await testCase(3).getByLabel('Reply contains').inputValue()).toBe('5 business days');
    expect(await testCase(4).getByLabel('Message').inputValue()).toBe('Do you ship kits to Canada?');
  });

  it('copies a prospect’s message from a conversation into the set', async () => {
    const { page, api } = session;
    await api('POST', '/v2/messages', { ai_id: aiId, conversation_id: PROSPECT, message: PROSPECT_QUESTION });
    await session.go('Conversations');
    await page.getByLabel('Conversation ID').fill(PROSPECT);
    await page.getByRole('button', { name: 'Open' }).click();
    const message = page.getByRole('article', { name: 'prospect message' }).first();
    await message.getByRole('button', { name: 'Add to a test set' }).click();
    await message.getByLabel('Test set').selectOption({ label: 'Refunds' });
    await message.getByLabel('Reply contains').fill('30 days');
    await message.getByRole('button', { name: 'Add case' }).click();
    await page.getByRole('status').getByText('Added to Refunds:').waitFor();
    await session.screenshot('conversation-add-to-test-set');

    const setId = (await api('GET', `/v1/ais/${aiId}/test-sets`)).body.data[0].set_id;
    const set = (await api('GET', `/v1/ais/${aiId}/test-sets/${setId}`)).body;
    expect(set.cases.at(-1)).toMatchObject({ message: PROSPECT_QUESTION, expect: { contains: ['30 days'] } });
  });
});
