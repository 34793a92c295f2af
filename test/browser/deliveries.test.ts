/**
 * A failed delivery retried from the dashboard: the AI's answer URL is a loopback receiver that
 * answers 500 (retried on the schedule), then 410 Gone (which stops the retries: the delivery is
 * failed) and, once retried by hand from the deliveries page, 200.
 */
import { jest } from '@jest/globals';
import { RETRY_DELAYS_SECONDS } from '#lib/domain/retry-schedule';
import { type DashboardSession, openDashboard } from '#test/support/dashboard-session';
import { startWebhookReceiver, type WebhookReceiver } from '#test/support/webhook-receiver';

jest.setTimeout(60_000);

/** The answer, then the schedule's first retry (with its jitter), then a margin for the queues. */
const FAILURE_MS = ((RETRY_DELAYS_SECONDS[0] ?? 0) * 1.2 + 10) * 1000;

describe('the deliveries page', () => {
  let session: DashboardSession;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver({
      respond: (request) => ({ status: receiver.received.indexOf(request) === 0 ? 500 : 410 }),
    });
    session = await openDashboard();
  });

  afterAll(async () => {
    await session?.close();
    await receiver?.stop();
  });

  it('retries a failed delivery, which then reaches the receiver', async () => {
    const { page, api } = session;
    const ai = await api('POST', '/v1/ais', { type: 'support', name: 'Ada', webhooks: { answer_url: receiver.url } });
    await api('POST', '/v2/messages', { ai_id: ai.body.id, conversation_id: 'mo@example.com', message: 'Hello?' });
    const [first, second] = await receiver.waitFor(2, FAILURE_MS);
    expect(first?.headers['webhook-id']).toBe(second?.headers['webhook-id']);

    await session.go('Deliveries');
    const delivery = page.getByRole('listitem').filter({ hasText: 'mo@example.com' });
    await delivery.getByText('failed', { exact: true }).waitFor();
    expect(await delivery.textContent()).toContain('2 attempt(s)');
    await session.screenshot('deliveries-failed');
    receiver.setResponder(() => ({ status: 200 }));
    await delivery.getByRole('button', { name: /^Retry message\.answered/ }).click();
    await page.getByRole('status').getByText('Sent again: the delivery is pending.').waitFor();

    const [, , third] = await receiver.waitFor(3, FAILURE_MS);
    expect(third?.headers['webhook-id']).toBe(first?.headers['webhook-id']);
    await page.getByLabel('Status').selectOption({ label: 'Succeeded' });
    await page.getByRole('listitem').filter({ hasText: 'mo@example.com' }).getByText('succeeded').waitFor();
    await session.screenshot('deliveries-retried');
  });
});
