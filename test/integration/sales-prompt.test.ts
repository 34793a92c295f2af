import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import OpenAI from 'openai';
import { OpenAiChatModel } from '#lib/adapters/openai/openai-chat-model';
import { generateReply } from '#lib/app/generate-reply';
import { type FakeOpenAi, parleyReplyContent, startFakeOpenAi } from '#test/support/fake-openai';
import { makeFakeDeps } from '#test/support/fakes';
import { httpClient } from '#test/support/http';
import { givenMessage, givenSalesAi, givenTenantWithAi, SALES_SETUP, TEST_API_KEY } from '#test/support/scenario';

const conversationId = 'alice@example.com';

describe('generateReply with the OpenAI model against a fake OpenAI server', () => {
  let fake: FakeOpenAi;
  let chatModel: OpenAiChatModel;

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: fake.baseUrl, maxRetries: 0, timeout: 2_000 });
    chatModel = new OpenAiChatModel({ model: 'gpt-test-mini', client });
  });

  afterEach(() => {
    fake.requests.length = 0;
    fake.setResponder(() => ({ content: parleyReplyContent() }));
  });

  afterAll(async () => {
    await fake.stop();
  });

  it("sends a sales AI's product, strategy and goal in the system prompt", async () => {
    const deps = makeFakeDeps({ chatModel });
    const { tenantId, ai } = await givenSalesAi(deps);
    const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, text: 'What does it do?' });

    const outcome = await generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 });

    expect(outcome).toBe('answered');
    const system = fake.requests[0]?.messages[0];
    expect(system?.role).toBe('system');
    const content = String(system?.content);
    expect(content).toContain(SALES_SETUP.product.name);
    expect(content).toContain(SALES_SETUP.product.description);
    expect(content).toContain(SALES_SETUP.product.price);
    expect(content).toContain(SALES_SETUP.strategy.instructions);
    expect(content).toContain(SALES_SETUP.strategy.tone);
    expect(content).toContain(`give them exactly this link: ${SALES_SETUP.goal.goalUrl}`);
    expect(fake.requests[0]?.messages.at(-1)?.content).toMatch(
      /^<prospect at="[^"]+">\nWhat does it do\?\n<\/prospect>$/,
    );
  });

  it('sends a support AI no sales setup and no goal', async () => {
    const deps = makeFakeDeps({ chatModel });
    const { tenantId, ai } = await givenTenantWithAi(deps);
    const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, text: 'Where is my order?' });

    await generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 });

    const content = String(fake.requests[0]?.messages[0]?.content);
    expect(content).toMatch(/customer-support agent/);
    expect(content).not.toMatch(/goal/i);
  });

  it('tests a response over HTTP with the sales prompt, counting the tokens of every attempt', async () => {
    let calls = 0;
    // The first answer is malformed, so the adapter asks again: both attempts' tokens count.
    fake.setResponder(() => ({
      content: calls++ === 0 ? 'not json' : parleyReplyContent({ reply: 'It tracks orders.' }),
    }));
    const deps = makeFakeDeps({ chatModel });
    const { ai } = await givenSalesAi(deps);

    const response = await httpClient(deps, TEST_API_KEY)('POST', `/v1/ais/${ai.id}/test`, {
      message: 'What does it do?',
    });

    expect(response.status).toBe(200);
    expect(response.body.reply).toBe('It tracks orders.');
    const completionTokens =
      Math.ceil('not json'.length / 4) + Math.ceil(parleyReplyContent({ reply: 'It tracks orders.' }).length / 4);
    expect(response.body.usage).toEqual({ input_tokens: 200, output_tokens: completionTokens });
    expect(fake.requests).toHaveLength(2);
    const content = String(fake.requests[0]?.messages[0]?.content);
    expect(content).toContain(SALES_SETUP.product.description);
    expect(content).toContain(SALES_SETUP.strategy.instructions);
    expect(content).toContain(SALES_SETUP.goal.goalUrl);
  });

  it('stores an html reply reduced to the allowed tags, whatever markup the model wrote', async () => {
    fake.setResponder(() => ({
      content: parleyReplyContent({
        reply:
          '<p onclick="steal()">Book here: <a href="javascript:alert(1)">now</a></p><script>steal()</script>' +
          `<p><a href="${SALES_SETUP.goal.goalUrl.replace('&', '&amp;')}" target="_blank">Book a demo</a></p>`,
      }),
    }));
    const deps = makeFakeDeps({ chatModel });
    const { tenantId, ai } = await givenSalesAi(deps, { outputFormat: 'html' });
    const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, text: 'I am interested' });

    await generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 });

    const reply = (await deps.conversations.listMessages(tenantId, conversationId)).at(-1);
    expect(reply?.text).toBe(
      '<p>Book here: now</p>&lt;script&gt;steal()&lt;/script&gt;' +
        '<p><a href="https://acme.example/book?plan=pro&amp;ref=parley">Book a demo</a></p>',
    );
  });
});
