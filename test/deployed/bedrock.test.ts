/**
 * A stack deployed with `-c modelProvider=bedrock`, run as AWS runs it (support/deployed-stack.ts):
 * the functions' bundles call the fake Bedrock Runtime (test/support/fake-bedrock.ts) with the real
 * SDK client, over HTTP/1.1 (the adapter's NodeHttpHandler), through the IAM proxy, which holds
 * each call to the caller's role: the inference profile here and Nova Lite in each region the
 * profile routes to, Titan V2 here. No OpenAI secret exists, and no call is refused.
 */
import { jest } from '@jest/globals';
import { type FakeBedrock, startFakeBedrock } from '#test/support/fake-bedrock';
import { startWebhookReceiver, type WebhookReceiver } from '#test/support/webhook-receiver';
import { DEPLOYED_SYNTH_TIMEOUT_MS } from './support/assembly.ts';
import { type DeployedStack, startDeployedStack } from './support/deployed-stack.ts';
import { callApi, uploadAndIndex } from './support/stack-client.ts';
import { resourcesOfType } from './support/template.ts';

jest.setTimeout(120_000);

const PROFILE = 'us.amazon.nova-lite-v1:0';
const PROFILE_ARN = `arn:aws:bedrock:us-east-1:000000000000:inference-profile/${PROFILE}`;
const NOVA_LITE_IN = (region: string) => `arn:aws:bedrock:${region}::foundation-model/amazon.nova-lite-v1:0`;
const TITAN_V2 = 'arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0';

let stack: DeployedStack;
let bedrock: FakeBedrock;
let receiver: WebhookReceiver;

const api = (method: string, path: string, body?: unknown) => callApi(stack, method, path, body);

beforeAll(async () => {
  [receiver, bedrock] = await Promise.all([startWebhookReceiver(), startFakeBedrock()]);
  stack = await startDeployedStack({ context: { modelProvider: 'bedrock' }, bedrockEndpoint: bedrock.endpoint });
}, DEPLOYED_SYNTH_TIMEOUT_MS + 60_000);

afterAll(async () => {
  await stack?.stop();
  await Promise.all([receiver?.stop(), bedrock?.stop()]);
});

afterEach(() => {
  expect(stack.denied()).toEqual([]);
});

describe('a stack deployed with modelProvider bedrock', () => {
  it('has no OpenAI secret', () => {
    expect(resourcesOfType(stack.template, 'AWS::SecretsManager::Secret')).toEqual([]);
  });

  it('answers a message through Nova Lite’s inference profile, each call allowed by the generator’s role', async () => {
    const created = await api('POST', '/v1/ais', {
      type: 'support',
      name: 'Ada',
      webhooks: { answer_url: receiver.url },
    });
    expect(created.status).toBe(201);

    const posted = await api('POST', '/v2/messages', {
      ai_id: created.body.id,
      conversation_id: 'grace@example.com',
      message: 'Hello! What are your opening hours?',
    });

    expect(posted.status).toBe(202);
    const [webhook] = await receiver.waitFor(1, 30_000);
    expect(webhook?.json).toMatchObject({ type: 'message.answered', conversation_id: 'grace@example.com' });
    const [converse] = bedrock.converseRequests;
    expect(converse?.modelId).toBe(PROFILE);
    expect(converse?.body.toolConfig?.toolChoice).toEqual({ tool: { name: expect.any(String) } });
    const generator = stack.fn('GenerationGenerator').runner.spec.name;
    const checked = stack.proxies.bedrock.decisions.filter((d) => d.principal === generator);
    expect(checked.map((d) => [d.action, d.resource, d.allowed])).toEqual(
      expect.arrayContaining([
        ['bedrock:InvokeModel', PROFILE_ARN, true],
        ...['us-east-1', 'us-east-2', 'us-west-2'].map((region) => ['bedrock:InvokeModel', NOVA_LITE_IN(region), true]),
      ]),
    );
  });

  it('embeds a document’s passages with Titan V2 at 256 dimensions in the ingester, and the query in the api', async () => {
    const {
      knowledgeBaseId,
      uploadStatus,
      documentId: id,
      document,
    } = await uploadAndIndex(stack, 'Returns: any kit within 45 days for a full refund.', 'returns.txt');
    expect(uploadStatus).toBe(202);
    expect(document).toMatchObject({ status: 'ready' });

    const searched = await api('POST', `/v1/knowledge-bases/${knowledgeBaseId}/search`, {
      query: 'refund for returns',
    });

    expect(searched.status).toBe(200);
    expect(searched.body.data[0]).toMatchObject({ document_id: id });
    expect(bedrock.embeddingRequests.length).toBeGreaterThanOrEqual(2);
    for (const request of bedrock.embeddingRequests) {
      expect(request).toMatchObject({ modelId: 'amazon.titan-embed-text-v2:0', body: { dimensions: 256 } });
    }
    const embedders = new Set(
      stack.proxies.bedrock.decisions.filter((d) => d.resource === TITAN_V2 && d.allowed).map((d) => d.principal),
    );
    expect(embedders).toEqual(
      new Set([stack.fn('KnowledgeIngester').runner.spec.name, stack.fn('ApiFunction').runner.spec.name]),
    );
  });
});
