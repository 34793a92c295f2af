/**
 * Knowledge in the dashboard: a knowledge base is searched as an AI would search it, and a
 * question the knowledge could not answer is listed as a knowledge gap, and the answer written in
 * its form closes the gap and becomes a correction that later answers use.
 */
import { jest } from '@jest/globals';
import { MAX_CORRECTION_CHARS } from '#lib/domain/limits/messages';
import { type DashboardSession, eventually, openDashboard } from '#test/support/dashboard-session';

jest.setTimeout(60_000);

/** Indexing and answering run behind queues; they take about a second each locally. */
const BACKGROUND_WORK_MS = 20_000;

const SHIPPING = `# Shipping

We ship to every country in the European Union within 4 working days.

# Returns

Send the parcel back with the prepaid label in the box.
`;
const QUESTION = 'Can I pay with cryptocurrency?';
const ANSWER = 'We accept card and bank transfer, not cryptocurrency.';

describe('knowledge in the dashboard', () => {
  let session: DashboardSession;

  beforeAll(async () => {
    session = await openDashboard();
  });

  afterAll(async () => {
    await session?.close();
  });

  it('uploads a document and finds its passage by searching the knowledge base', async () => {
    const { page } = session;
    await session.go('Knowledge');
    await page.getByLabel('Knowledge base name').fill('Help centre');
    await page.getByRole('button', { name: 'Create knowledge base' }).click();
    await page.getByRole('heading', { name: 'Help centre', level: 1 }).waitFor();
    await page.getByLabel('File', { exact: true }).setInputFiles({
      name: 'shipping.md',
      mimeType: 'text/markdown',
      buffer: Buffer.from(SHIPPING),
    });
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByText('ready', { exact: true }).waitFor({ timeout: BACKGROUND_WORK_MS });

    await page.getByLabel('Search this knowledge base').fill('How many days does shipping take?');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const results = page.getByRole('list', { name: 'Search results' });
    await results.waitFor();
    await session.screenshot('knowledge-search');

    expect(await results.getByRole('listitem').first().textContent()).toContain('4 working days');
  });

  it('lists a question the knowledge could not answer as a gap, and its answer closes it as a correction', async () => {
    const { page, api } = session;
    const ai = await api('POST', '/v1/ais', {
      type: 'support',
      name: 'Ada',
      webhooks: { answer_url: 'http://127.0.0.1:9/answer' },
    });
    // The AI has no knowledge base: the question cannot be answered from knowledge, a gap.
    await api('POST', '/v2/messages', { ai_id: ai.body.id, conversation_id: 'lin@example.com', message: QUESTION });
    const [listed] = await eventually(async () => {
      const gaps = (await api('GET', '/v1/knowledge-gaps')).body.data;
      return gaps.length > 0 ? gaps : undefined;
    });
    expect(listed).toMatchObject({ question: QUESTION, conversation_id: 'lin@example.com' });

    await session.go('Knowledge gaps');
    const gap = page.getByRole('listitem').filter({ hasText: QUESTION });
    await gap.getByText('answered without knowledge').waitFor();
    await gap.getByRole('button', { name: `Write the answer to ${QUESTION}` }).click();
    await session.screenshot('knowledge-gaps');

    const answer = gap.getByLabel('Answer');
    expect(await answer.getAttribute('maxlength')).toBe(String(MAX_CORRECTION_CHARS));
    expect(await gap.getByRole('link', { name: 'lin@example.com' }).getAttribute('href')).toBe(
      '#/conversations/lin%40example.com',
    );

    await answer.fill(ANSWER);
    await gap.getByRole('button', { name: 'Save answer' }).click();
    await page.getByRole('status').getByText('Answer saved: the gap is closed.').waitFor();
    await page.getByText('No gaps: the knowledge answered everything.').waitFor();
    const gapsAfter = (await api('GET', '/v1/knowledge-gaps')).body.data;
    const retested = await api('POST', `/v1/ais/${ai.body.id}/test`, { message: QUESTION });
    expect(gapsAfter).toEqual([]);
    expect(retested.body.reply).toContain(ANSWER);
  });
});
