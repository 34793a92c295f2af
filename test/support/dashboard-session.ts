/**
 * A signed-in dashboard for the browser tests: the local runtime as a child process (as `npm start`
 * runs it), Debian's chromium on a fresh profile, and a page signed in with the runtime's key.
 * Confirmation dialogs are accepted, as a person meaning to delete would. Pages are saved as
 * full-page screenshots under test-results/dashboard/.
 */
import { mkdir } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { launchChromium, type TestBrowser } from '#test/support/browser';
import { apiClient, type RuntimeProcess, startRuntimeProcess } from '#test/support/runtime-process';

const SCREENSHOTS = 'test-results/dashboard';
/** Indexing and answering run behind queues; they take about a second each locally. */
const BACKGROUND_WORK_MS = 20_000;
const POLL_MS = 250;

/** Polls the API until `read` gives a value, as the dashboard's own pages poll. */
export async function eventually<T>(read: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + BACKGROUND_WORK_MS;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting for background work');
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export interface DashboardSession {
  runtime: RuntimeProcess;
  api: ReturnType<typeof apiClient>;
  page: Page;
  /** Follows a link of the main navigation. */
  go(link: string): Promise<void>;
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function openDashboard(options: { env?: Record<string, string> } = {}): Promise<DashboardSession> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const runtime = await startRuntimeProcess({ env: options.env });
  let browser: TestBrowser | undefined;
  try {
    browser = await launchChromium();
    const page = await browser.context.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(runtime.url);
    await page.getByLabel('API key').fill(runtime.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'AIs', level: 1 }).waitFor();
    const opened = browser;
    return {
      runtime,
      api: apiClient(runtime),
      page,
      go: (link) =>
        page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link, exact: true }).click(),
      screenshot: async (name) => {
        await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
      },
      async close() {
        await opened.close();
        await runtime.stop();
      },
    };
  } catch (error) {
    await browser?.close();
    await runtime.stop();
    throw error;
  }
}
