/**
 * A runtime killed between accepting a message and answering it answers it after a restart on the
 * same data, exactly once.
 */
import { jest } from '@jest/globals';
import { type FakeOpenAi, startFakeOpenAi } from '#test/support/fake-openai';
import { apiClient, newDataDir, startRuntimeProcess } from '#test/support/runtime-process';
import { startWebhookReceiver, type WebhookReceiver } from '#test/support/webhook-receiver';

// The runtime runs as a separate process; starting it takes seconds.
jest.setTimeout(90_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe('crash recovery', () => {
  let model: FakeOpenAi;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    [model, receiver] = await Promise.all([startFakeOpenAi(), startWebhookReceiver()]);
  });

  afterAll(async () => {
    await Promise.all([model?.stop(), receiver?.stop()]);
  });

  it('answers a message accepted before a kill -9 exactly once after the restart', async () => {
    const dataDir = await newDataDir();
    const env = { OPENAI_BASE_URL: model.baseUrl, OPENAI_API_KEY: 'test' };
    const first = await startRuntimeProcess({ dataDir, env });
    const api = apiClient(first);
    const ai = (await api('POST', '/v1/ais', { type: 'sales', name: 'Max', webhooks: { answer_url: receiver.url } }))
      .body;
    model.hang();

    const posted = await api('POST', '/v2/messages', {
      ai_id: ai.id,
      conversation_id: 'crash@example.com',
      message: 'Hi!',
    });
    await until(() => model.requests.length === 1, 10_000, 'the generator to call the model');
    await first.kill();
    model.release();
    const second = await startRuntimeProcess({ dataDir, env });
    try {
      await receiver.waitFor(1, 20_000);
      await sleep(2_000);

      expect(posted.status).toBe(202);
      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0]?.json).toMatchObject({ type: 'message.answered', message_id: expect.any(String) });
      const conversation = await apiClient(second)('GET', '/v2/conversations/crash%40example.com');
      expect(
        conversation.body.messages.map((m: { direction: string; status?: string }) => [m.direction, m.status]),
      ).toEqual([
        ['inbound', 'answered'],
        ['outbound', undefined],
      ]);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });
});
