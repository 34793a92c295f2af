/**
 * A revoked OpenAI key, end to end through the real `openai` SDK: the composition root builds the
 * chat model from the environment as a function would, the fake OpenAI server on loopback answers
 * 401 as OpenAI does, and the generator escalates (`model_unavailable`) instead of answering. The
 * same for a Bedrock model whose access is not enabled, through the real Bedrock Runtime client.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { composeModels } from '#functions/composition/models';
import { generateReply } from '#lib/app/generate-reply';
import { ENV, loadConfig } from '#lib/config';
import { BEDROCK_ERRORS, type FakeBedrock, startFakeBedrock, useFakeBedrockEnv } from '#test/support/fake-bedrock';
import { startFakeOpenAi, type FakeOpenAi } from '#test/support/fake-openai';
import { makeFakeDeps, SilentLogger } from '#test/support/fakes';
import { givenMessage, givenTenantWithAi } from '#test/support/scenario';

const conversationId = 'alice@example.com';
const INVALID_KEY_BODY = {
  error: {
    message: 'Incorrect API key provided: sk-revo*****************abcd.',
    type: 'invalid_request_error',
    param: null,
    code: 'invalid_api_key',
  },
};

let fake: FakeOpenAi;
let bedrock: FakeBedrock;
let restoreEnv: () => void;
beforeAll(async () => {
  fake = await startFakeOpenAi({ respond: () => ({ status: 401, body: INVALID_KEY_BODY }) });
  bedrock = await startFakeBedrock();
  bedrock.setResponder(() => BEDROCK_ERRORS.accessDenied);
  restoreEnv = useFakeBedrockEnv(bedrock);
});
afterAll(async () => {
  restoreEnv();
  await Promise.all([fake.stop(), bedrock.stop()]);
});

/** A function's environment, as the stack sets it, with the provider's own settings. */
function configWith(provider: Record<string, string>) {
  return loadConfig({
    [ENV.tableName]: 'parley',
    [ENV.generationQueueUrl]: 'https://sqs.eu-west-1.amazonaws.com/123456789012/parley-generation.fifo',
    [ENV.deliveryQueueUrl]: 'https://sqs.eu-west-1.amazonaws.com/123456789012/parley-delivery',
    [ENV.ingestionQueueUrl]: 'https://sqs.eu-west-1.amazonaws.com/123456789012/parley-ingestion',
    [ENV.documentsDir]: '/tmp/parley-unused',
    ...provider,
  });
}

describe.each([
  [
    'whose OpenAI key is refused',
    () => ({
      [ENV.modelProvider]: 'openai',
      [ENV.openAiApiKey]: 'sk-revoked-abcd',
      [ENV.openAiBaseUrl]: fake.baseUrl,
    }),
    () => fake.requests.length,
  ],
  [
    'whose Bedrock model access is not enabled',
    () => ({ [ENV.modelProvider]: 'bedrock' }),
    () => bedrock.converseRequests.length,
  ],
])('a generator %s', (_label, providerEnv, requestCount) => {
  it('escalates the message as model_unavailable to the emergency webhook, and answers nothing', async () => {
    const { chatModel } = await composeModels(configWith(providerEnv()), new SilentLogger());
    const deps = makeFakeDeps({ chatModel });
    const { tenantId, ai } = await givenTenantWithAi(deps, {
      webhooks: { answerUrl: 'https://hooks.example.com/answer', emergencyUrl: 'https://hooks.example.com/help' },
      emergency: { enabled: true, triggers: ['complaint'], pauseAi: false },
    });
    const { messageId } = await givenMessage(deps, { tenantId, aiId: ai.id, conversationId, text: 'Is it in stock?' });

    const outcome = await generateReply(deps, { tenantId, conversationId, messageId, attempt: 1 });

    expect(outcome).toBe('model_unavailable');
    expect(requestCount()).toBe(1);
    const deliveries = await Promise.all(
      deps.deliveryQueue.jobs.map((j) => deps.deliveries.getDelivery(tenantId, j.job.deliveryId)),
    );
    expect(deliveries.map((d) => [d?.type, d?.url])).toEqual([
      ['conversation.escalated', 'https://hooks.example.com/help'],
    ]);
    const body = JSON.parse(deliveries[0]?.payload ?? '{}');
    expect(body).toMatchObject({ reason: 'model_unavailable', reply: '', question: 'Is it in stock?' });
    // The provider's message quotes part of the key: it stays out of the webhook.
    expect(JSON.stringify(body)).not.toContain('sk-revo');
    expect((await deps.conversations.getMessage(tenantId, conversationId, messageId))?.status).toBe('escalated');
  });
});
