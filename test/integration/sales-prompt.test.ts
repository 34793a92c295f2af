import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { generateReply } from '#lib/app/generate-reply';
import type { ChatModel } from '#lib/ports/chat-model';
import { makeFakeDeps } from '#test/support/fakes';
import { FAKED_PROVIDERS, type ModelProviderFake, startModelProviderFake } from '#test/support/model-provider-fakes';
import { httpClient } from '#test/support/http';
import { givenMessage, givenSalesAi, givenTenantWithAi, SALES_SETUP, TEST_API_KEY } from '#test/support/scenario';

const conversationId = 'alice@example.com';

describe.each(FAKED_PROVIDERS)('generateReply with the %s model against its fake server', (provider) => {
  let fake: ModelProviderFake;
  let chatModel: ChatModel;

  beforeAll(async () => {
    fake = await startModelProviderFake(provider);
    chatModel = fake.chatModel();
  });

  afterEach(() => {
    fake.reset();
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
    const content = String(fake.prompts()[0]?.system);
    expect(content).toContain(SALES_SETUP.product.name);
    expect(content).toContain(SALES_SETUP.product.description);
    expect(content).toContain(SALES_SETUP.product.price);
    expect(content).toContain(SALES_SETUP.strategy.instructions);
    expect(content).toContain(SALES_SETUP.strategy.tone);
    expect(content).toContain(`give them exactly this link: ${SALES_SETUP.goal.goalUrl}`);
    expect(fake.prompts()[0]?.lastUser).toMatch(/^<prospect at="[^"]+">\nWhat does it do\?\n<\/prospect>$/);
  });

  it('sends a support AI no sales setup and no goal', async () => {
    const deps = makeFakeDeps({ chatModel });
    const { tenantId, ai } = await givenTenantWithAi(deps);
    const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, text: 'Where is my order?' });

    await generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 });

    const content = String(fake.prompts()[0]?.system);
    expect(content).toMatch(/customer-support agent/);
    expect(content).not.toMatch(/goal/i);
  });

  it('tests a response over HTTP with the sales prompt, counting the tokens of every attempt', async () => {
    // The first answer is malformed, so the adapter asks again: both attempts' tokens count.
    const usage = fake.answerMalformedThen('It tracks orders.');
    const deps = makeFakeDeps({ chatModel });
    const { ai } = await givenSalesAi(deps);

    const response = await httpClient(deps, TEST_API_KEY)('POST', `/v1/ais/${ai.id}/test`, {
      message: 'What does it do?',
    });

    expect(response.status).toBe(200);
    expect(response.body.reply).toBe('It tracks orders.');
    expect(response.body.usage).toEqual({ input_tokens: usage.inputTokens, output_tokens: usage.outputTokens });
    expect(fake.prompts()).toHaveLength(2);
    const content = String(fake.prompts()[0]?.system);
    expect(content).toContain(SALES_SETUP.product.description);
    expect(content).toContain(SALES_SETUP.strategy.instructions);
    expect(content).toContain(SALES_SETUP.goal.goalUrl);
  });

  it('stores an html reply reduced to the allowed tags, whatever markup the model wrote', async () => {
    fake.answerWith({
      reply:
        '<p onclick="steal()">Book here: <a href="javascript:alert(1)">now</a></p><script>steal()</script>' +
        `<p><a href="${SALES_SETUP.goal.goalUrl.replace('&', '&amp;')}" target="_blank">Book a demo</a></p>`,
    });
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
