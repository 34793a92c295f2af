/**
 * The AI form's follow-up, emergency, delay and format settings: a mistake the browser can see is
 * named next to its field before anything is sent; one only the API sees comes back as the API's
 * 400 and shows next to its field too. Then the settings are saved, read back, cleared, and the
 * webhook secret is rotated.
 */
import { jest } from '@jest/globals';
import { MAX_NUDGES } from '#lib/domain/limits/follow-ups';
import { type DashboardSession, openDashboard } from '#test/support/dashboard-session';

jest.setTimeout(60_000);

/** A link-local (metadata) address: refused by the API everywhere, even locally. */
const METADATA_URL = 'http://169.254.169.254/hook';
const ANSWER_URL = 'http://127.0.0.1:9/answer';

describe('the AI form', () => {
  let session: DashboardSession;
  let firstSecret: string;

  beforeAll(async () => {
    session = await openDashboard();
  });

  afterAll(async () => {
    await session?.close();
  });

  /** The error a field's input is described by (its hint may describe it too). */
  const errorOf = async (label: string) => {
    const describedBy = (await session.page.getByLabel(label, { exact: true }).getAttribute('aria-describedby')) ?? '';
    const errorId = describedBy.split(' ').find((id) => id.endsWith('-error'));
    return errorId ? session.page.locator(`[id="${errorId}"]`).textContent() : null;
  };
  const waitForError = (label: string) =>
    session.page.getByLabel(label, { exact: true }).and(session.page.locator('[aria-invalid="true"]')).waitFor();

  it('names an out-of-range setting next to its field and sends nothing', async () => {
    const { page } = session;
    await page.getByRole('link', { name: 'New AI' }).click();
    await page.getByLabel('Name').fill('Ada');
    await page.getByLabel('Answer URL').fill(ANSWER_URL);
    await page.getByLabel('Follow-up settings').selectOption({ label: "This AI's own" });
    await page.getByLabel('Most nudges per silence').fill(String(MAX_NUDGES + 1));
    await page.getByLabel('Time zone').fill('Mars/Olympus');
    await page.getByRole('button', { name: 'Create AI' }).click();

    await waitForError('Most nudges per silence');
    await session.screenshot('ai-form-checked');
    expect(await errorOf('Most nudges per silence')).toBe(`must be a whole number from 0 to ${MAX_NUDGES}`);
    expect(await errorOf('Time zone')).toContain('not an IANA time zone');
    expect(await page.getByLabel('Most nudges per silence').getAttribute('aria-invalid')).toBe('true');
    expect((await session.api('GET', '/v1/ais')).body.data).toEqual([]);
  });

  it("shows the API's refusal of a webhook URL next to that field", async () => {
    const { page } = session;
    await page.getByLabel('Most nudges per silence').fill('2');
    await page.getByLabel('Time zone').fill('Europe/Paris');
    await page.getByLabel('Answer URL').fill(METADATA_URL);
    await page.getByRole('button', { name: 'Create AI' }).click();

    await waitForError('Answer URL');
    expect(await errorOf('Answer URL')).toBeTruthy();
    expect(await page.getByRole('alert').textContent()).toContain('webhooks.answer_url');
    expect(await errorOf('Most nudges per silence')).toBeNull();
    expect((await session.api('GET', '/v1/ais')).body.data).toEqual([]);
  });

  it('creates the AI with its follow-ups, emergencies, reply delay and format', async () => {
    const { page } = session;
    await page.getByLabel('Answer URL').fill(ANSWER_URL);
    await page.getByLabel('Nudge after (hours of silence)').fill('12');
    await page.getByLabel('Quiet hours from').fill('21:00');
    await page.getByLabel('Quiet hours until').fill('08:00');
    await page.getByLabel('A complaint').uncheck();
    await page.getByLabel('Pause the AI when it calls a person').check();
    await page.getByLabel('Reply delay (seconds)').fill('30');
    await page.getByLabel('Output format').selectOption({ label: 'HTML' });
    await session.screenshot('ai-form-settings');
    await page.getByRole('button', { name: 'Create AI' }).click();

    await page.getByRole('heading', { name: 'AI created' }).waitFor();
    firstSecret = (await page.getByText(/^whsec_/).textContent()) ?? '';
    const [ai] = (await session.api('GET', '/v1/ais')).body.data;
    expect(ai).toMatchObject({
      name: 'Ada',
      output_format: 'html',
      reply_delay_seconds: 30,
      follow_up: {
        enabled: true,
        dropoff_after_hours: 12,
        max_nudges: 2,
        quiet_hours: { start: '21:00', end: '08:00' },
        timezone: 'Europe/Paris',
      },
      emergency: { enabled: true, pause_ai: true },
    });
    expect(ai.emergency.triggers).not.toContain('complaint');
    expect(ai.emergency.triggers).toContain('human_requested');
  });

  it('shows the saved settings when editing, and gives follow-ups back to the strategy', async () => {
    const { page } = session;
    await session.go('AIs');
    await page.getByRole('link', { name: 'Ada', exact: true }).click();
    await page.getByRole('heading', { name: 'Edit Ada' }).waitFor();
    expect(await page.getByLabel('Quiet hours from').inputValue()).toBe('21:00');
    expect(await page.getByLabel('A complaint').isChecked()).toBe(false);

    await page.getByLabel('Follow-up settings').selectOption({ label: "The strategy's (else a nudge after 24 hours)" });
    await page.getByLabel('Call a person through the emergency URL').uncheck();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'AIs', level: 1 }).waitFor();

    const [ai] = (await session.api('GET', '/v1/ais')).body.data;
    expect(ai.follow_up).toBeUndefined();
    expect(ai.emergency.enabled).toBe(false);
  });

  it('rotates the webhook secret and shows the new one once', async () => {
    const { page } = session;
    await page.getByRole('link', { name: 'Ada', exact: true }).click();
    await page.getByRole('button', { name: 'Rotate webhook secret' }).click();
    const secret = page.getByRole('region', { name: 'Webhook secret' }).getByText(/^whsec_/);
    await secret.waitFor();
    await session.screenshot('ai-secret-rotated');

    expect(await secret.textContent()).toMatch(/^whsec_\S+$/);
    expect(await secret.textContent()).not.toBe(firstSecret);
  });
});
