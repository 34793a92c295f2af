/**
 * A stack deployed with the default model provider (openai) whose OpenAI secret is still empty, as
 * the stack creates it: it must not answer prospects from the offline model. The message is
 * escalated as `model_unavailable` to the emergency webhook, even though the AI's triggers leave
 * that reason out, and no answer goes to the prospect.
 */
import { jest } from '@jest/globals';
import { startWebhookReceiver, type WebhookReceiver } from '#test/support/webhook-receiver';
import { DEPLOYED_SYNTH_TIMEOUT_MS } from './support/assembly.ts';
import { type DeployedStack, startDeployedStack } from './support/deployed-stack.ts';

jest.setTimeout(60_000);

describe('a deployed stack whose OpenAI secret is empty', () => {
  let stack: DeployedStack;
  let answers: WebhookReceiver;
  let emergencies: WebhookReceiver;

  beforeAll(async () => {
    [answers, emergencies] = await Promise.all([startWebhookReceiver(), startWebhookReceiver()]);
    stack = await startDeployedStack();
  }, DEPLOYED_SYNTH_TIMEOUT_MS + 60_000);

  afterAll(async () => {
    await stack?.stop();
    await Promise.all([answers?.stop(), emergencies?.stop()]);
  });

  it('escalates the message as model_unavailable to the emergency webhook and answers nothing', async () => {
    const headers = { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' };
    const created = await fetch(`${stack.url}/v1/ais`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        type: 'support',
        name: 'Ada',
        webhooks: { answer_url: answers.url, emergency_url: emergencies.url },
        emergency: { enabled: true, triggers: ['human_requested'] },
      }),
    });
    expect(created.status).toBe(201);
    const ai = (await created.json()) as { id: string };

    const posted = await fetch(`${stack.url}/v2/messages`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ ai_id: ai.id, conversation_id: 'no-model', message: 'How much is it?' }),
    });

    expect(posted.status).toBe(202);
    const [escalation] = await emergencies.waitFor(1, 30_000);
    expect(escalation?.json).toMatchObject({
      type: 'conversation.escalated',
      conversation_id: 'no-model',
      reason: 'model_unavailable',
    });
    expect(answers.received).toEqual([]);
    expect(stack.fn('GenerationGenerator').runner.output()).toMatch(/"ModelUnavailable":1/);
    expect(stack.denied()).toEqual([]);
  });
});
