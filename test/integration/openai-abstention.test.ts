/**
 * An abstention from a real-model reply, through the real `openai` SDK against the fake server:
 * the model says the knowledge does not cover the question (`knowledge_covers` false), and the
 * generator escalates the conversation as `ungrounded` to the emergency webhook and lists the
 * question as a knowledge gap, reason `ungrounded`. The prompt the model got carries the rule.
 */
import OpenAI from 'openai';
import { OpenAiChatModel } from '#lib/adapters/openai/openai-chat-model';
import { generateReply } from '#lib/app/generate-reply';
import { type FakeOpenAi, parleyReplyContent, startFakeOpenAi } from '#test/support/fake-openai';
import { makeFakeDeps } from '#test/support/fakes';
import { httpClient } from '#test/support/http';
import { givenMessage, givenTenantWithAi, TEST_API_KEY } from '#test/support/scenario';

describe('an abstaining reply from an OpenAI model', () => {
  let fake: FakeOpenAi;

  beforeAll(async () => {
    fake = await startFakeOpenAi({
      respond: () => ({
        content: parleyReplyContent({
          knowledge_covers: false,
          reply: 'I do not know whether we ship kits to Canada; I have passed your question to a colleague.',
          needs_human: true,
          reason: 'Shipping to Canada is not in the knowledge.',
          confidence: 'low',
          escalation: 'unanswerable',
        }),
      }),
    });
  });

  afterAll(async () => {
    await fake.stop();
  });

  it('is escalated as ungrounded and recorded as a knowledge gap', async () => {
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: fake.baseUrl, maxRetries: 0, timeout: 2_000 });
    const deps = makeFakeDeps({ chatModel: new OpenAiChatModel({ model: 'gpt-4o-mini', client }) as never });
    const { tenantId, ai } = await givenTenantWithAi(deps, {
      webhooks: { answerUrl: 'https://hooks.example.com/answer', emergencyUrl: 'https://hooks.example.com/help' },
    });
    const question = 'Do you ship kits to Canada?';
    const { conversationId, messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, text: question });

    await generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 });
    const gaps = await httpClient(deps, TEST_API_KEY)('GET', '/v1/knowledge-gaps');

    const system = String(fake.requests[0]?.messages[0]?.content);
    expect(system).toContain('Decide knowledge_covers before you write the reply');
    const deliveries = await Promise.all(
      deps.deliveryQueue.jobs.map((j) => deps.deliveries.getDelivery(tenantId, j.job.deliveryId)),
    );
    expect(deliveries.map((d) => [d?.type, d?.url])).toEqual([
      ['message.answered', 'https://hooks.example.com/answer'],
      ['conversation.escalated', 'https://hooks.example.com/help'],
    ]);
    expect(JSON.parse(deliveries[1]?.payload ?? '{}')).toMatchObject({
      reason: 'ungrounded',
      summary: 'Shipping to Canada is not in the knowledge.',
      question,
    });
    expect(gaps.body.data.map((g: { reason: string; question: string }) => [g.reason, g.question])).toEqual([
      ['ungrounded', question],
    ]);
  });
});
