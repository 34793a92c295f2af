/**
 * The dashboard in a real browser against the local runtime (a child process, as `npm start`
 * runs it): a business signs in, sets up knowledge and an AI, tests it, and supervises a
 * conversation. Locators go by role and label, so they also prove the labels are there. Each
 * page is saved as a full-page screenshot under test-results/.
 */
import { mkdir } from 'node:fs/promises';
import { jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { launchChromium, type TestBrowser } from '#test/support/browser';
import { apiClient, type RuntimeProcess, startRuntimeProcess } from '#test/support/runtime-process';

// Starting the runtime and the browser takes a few seconds; indexing and answering a few more.
jest.setTimeout(60_000);

const SCREENSHOTS = 'test-results/dashboard';
/** Indexing and answering run behind queues; they take about a second each locally. */
const BACKGROUND_WORK_MS = 20_000;
const PHONE = { width: 375, height: 812 };

const REFUND_POLICY = `# Refund policy

We refund any order within 30 days of delivery. A refund reaches your card within 5 business days.
`;
const QUESTION = 'How long does a refund take to reach my card?';
const CORRECTION = 'Refunds reach your card within 3 business days since March.';

describe('the dashboard', () => {
  let runtime: RuntimeProcess;
  let api: ReturnType<typeof apiClient>;
  let browser: TestBrowser | undefined;
  let page: Page;

  const screenshot = (name: string, target = page) =>
    target.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
  const go = (link: string) =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link, exact: true }).click();
  const status = () => page.getByRole('status');

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    runtime = await startRuntimeProcess();
    api = apiClient(runtime);
    browser = await launchChromium();
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await runtime?.stop();
  });

  it("shows the API's refusal of a wrong key as worded, then signs in with the key the runtime printed", async () => {
    await page.goto(runtime.url);
    await screenshot('sign-in');

    await page.getByLabel('API key').fill('prly_not_a_real_key_000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('invalid API key').waitFor();
    await page.getByLabel('API key').fill(runtime.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('heading', { name: 'AIs', level: 1 }).waitFor();
    // Page code as strings: the test is compiled without the DOM's types.
    expect(await page.evaluate('sessionStorage.length')).toBe(1);
  });

  it('creates a knowledge base, uploads a document and shows it ready', async () => {
    await go('Knowledge');
    await page.getByLabel('Knowledge base name').fill('Help centre');
    await page.getByRole('button', { name: 'Create knowledge base' }).click();
    await page.getByRole('heading', { name: 'Help centre', level: 1 }).waitFor();

    await page.getByLabel('File', { exact: true }).setInputFiles({
      name: 'refund-policy.md',
      mimeType: 'text/markdown',
      buffer: Buffer.from(REFUND_POLICY),
    });
    await page.getByRole('button', { name: 'Upload' }).click();
    const document = page.getByRole('listitem').filter({ hasText: /refund/i });
    await document.getByText('ready', { exact: true }).waitFor({ timeout: BACKGROUND_WORK_MS });
    await screenshot('knowledge-base');

    expect(await document.textContent()).toMatch(/[1-9]\d* passage/);
  });

  it('creates an AI that answers from the knowledge base', async () => {
    await go('AIs');
    await page.getByRole('link', { name: 'New AI' }).click();
    await page.getByLabel('Name').fill('Ada');
    // The answers go nowhere (port 9, discard): their failed deliveries show on the deliveries page.
    await page.getByLabel('Answer URL').fill('http://127.0.0.1:9/answer');
    await page.getByLabel('Help centre').check();
    await screenshot('new-ai');
    await page.getByRole('button', { name: 'Create AI' }).click();

    await page.getByRole('heading', { name: 'AI created' }).waitFor();
    expect(await page.getByText(/^whsec_/).textContent()).toMatch(/^whsec_\S+$/);
    const ais = await api('GET', '/v1/ais');
    expect(ais.body.data).toEqual([expect.objectContaining({ name: 'Ada', knowledge_base_ids: [expect.any(String)] })]);
  });

  it('asks a test question and shows the answer with its citation and decisions', async () => {
    await page.getByRole('link', { name: 'Test this AI' }).click();
    await page.getByLabel('Message').fill(QUESTION);
    await page.getByRole('button', { name: 'Ask' }).click();

    const answer = page.getByRole('article', { name: 'Answer' });
    await answer.waitFor();
    await screenshot('test-chat');

    expect(await answer.getByRole('list').textContent()).toContain('5 business days');
    expect(await answer.getByRole('definition').first().textContent()).toBe('no');
  });

  it('leaves a correction on an answer in a conversation, which later answers use', async () => {
    const ai = (await api('GET', '/v1/ais')).body.data[0];
    // The dashboard cannot start a conversation: a prospect's message comes in as a Zap sends it.
    const sent = await api('POST', '/v2/messages', {
      ai_id: ai.id,
      conversation_id: 'grace@example.com',
      message: QUESTION,
      contact: { first_name: 'Grace', email: 'grace@example.com' },
      channel: 'email',
    });
    expect(sent.status).toBe(202);

    await go('Conversations');
    await page.getByLabel('Conversation ID').fill('grace@example.com');
    await page.getByRole('button', { name: 'Open' }).click();
    // The page reads the conversation again until the answer is in.
    await page.getByRole('button', { name: 'Write a correction' }).waitFor({ timeout: BACKGROUND_WORK_MS });
    await page.getByRole('button', { name: 'Write a correction' }).click();
    await page.getByLabel('Correction').fill(CORRECTION);
    await page.getByRole('button', { name: 'Save correction' }).click();
    await status().getByText('Correction saved').waitFor();
    await screenshot('conversation-correction');

    const retest = await api('POST', `/v1/ais/${ai.id}/test`, { message: QUESTION });
    expect(retest.body.reply).toContain('3 business days');
  });

  it('hands the conversation off to a person and back', async () => {
    await page.getByRole('button', { name: 'Hand off to a person' }).click();
    await page.getByRole('button', { name: 'Resume the AI' }).waitFor();
    await screenshot('conversation-handed-off');

    const handedOff = (await api('GET', '/v2/conversations/grace%40example.com')).body.status;
    expect(await page.getByText('Status:').textContent()).toContain('handed off');
    await page.getByRole('button', { name: 'Resume the AI' }).click();
    await page.getByRole('button', { name: 'Hand off to a person' }).waitFor();

    expect(handedOff).toBe('handed_off');
    expect((await api('GET', '/v2/conversations/grace%40example.com')).body.status).toBe('active');
  });

  it('records a message a person sent the prospect outside Parley', async () => {
    await page.getByRole('textbox', { name: 'Message you sent' }).fill('I have refunded your order by hand, Grace.');
    await page.getByRole('button', { name: 'Record message' }).click();
    await page.getByRole('article', { name: 'human message' }).waitFor();

    const messages = (await api('GET', '/v2/conversations/grace%40example.com')).body.messages;
    expect(messages.at(-1)).toMatchObject({
      direction: 'outbound',
      kind: 'human',
      text: expect.stringContaining('by hand'),
    });
  });

  it('lists the deliveries that have not succeeded', async () => {
    await go('Deliveries');
    await page.getByLabel('Status').selectOption({ label: 'All' });
    await page.getByRole('link', { name: 'grace@example.com' }).first().waitFor();
    await screenshot('deliveries');

    expect(await page.getByRole('listitem').filter({ hasText: 'message.answered' }).count()).toBeGreaterThan(0);
  });

  it('works on a phone: the navigation wraps and nothing scrolls sideways', async () => {
    const phone = await browser!.context.newPage();
    await phone.setViewportSize(PHONE);
    try {
      await phone.goto(runtime.url);
      await phone.getByLabel('API key').fill(runtime.apiKey);
      await phone.getByRole('button', { name: 'Sign in' }).click();
      await phone.getByRole('link', { name: 'Ada', exact: true }).waitFor();
      await screenshot('phone-ais', phone);

      const overflow = await phone.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      expect(overflow).toBeLessThanOrEqual(0);
      expect(await phone.getByRole('navigation', { name: 'Main' }).getByRole('link').count()).toBe(11);
    } finally {
      await phone.close();
    }
  });
});
