/**
 * One face over the fake model servers, so a test can run on each model provider without being
 * written twice: `openai` is the real `openai` SDK against fake-openai.ts, `bedrock` the real
 * Bedrock Runtime client against fake-bedrock.ts, `offline` the template model (nothing to fake).
 * Each says what the model was sent in the same terms (system prompt, the last user turn) and
 * scripts the same answers.
 */
import OpenAI from 'openai';
import { BedrockChatModel } from '#lib/adapters/bedrock/bedrock-chat-model';
import { OfflineChatModel } from '#lib/adapters/offline/offline-chat-model';
import { OpenAiChatModel } from '#lib/adapters/openai/openai-chat-model';
import { type ModelProvider, ENV } from '#lib/config';
import type { ChatModel, TokenUsage } from '#lib/ports/chat-model';
import { fakeBedrockEnv, fakeToolReply, startFakeBedrock, useFakeBedrockEnv } from '#test/support/fake-bedrock';
import { parleyReplyContent, startFakeOpenAi } from '#test/support/fake-openai';

/** What a model was asked, as text. */
export interface SentPrompt {
  system: string;
  /** The last user turn's text (its content blocks joined by a newline). */
  lastUser: string;
}

export interface ModelProviderFake {
  provider: ModelProvider;
  /** The environment that points a runtime process at this fake. */
  env: Record<string, string>;
  /** An in-process chat model reaching the fake through its real SDK client. */
  chatModel(): ChatModel;
  /** Every request the model was sent, oldest first (none for the offline model). */
  prompts(): SentPrompt[];
  /** The next answer breaks the reply schema, the one after says `reply`; returns what both cost. */
  answerMalformedThen(reply: string): TokenUsage;
  /** The next answers are well-formed with these fields (the fake's defaults for the rest). */
  answerWith(fields: Record<string, unknown>): void;
  /** Forgets the requests and scripted answers. */
  reset(): void;
  stop(): Promise<void>;
}

/** The providers a test runs on when it checks what the model is sent. */
export const FAKED_PROVIDERS = ['openai', 'bedrock'] as const satisfies readonly ModelProvider[];

const OPENAI_MODEL = 'gpt-test-mini';
const BEDROCK_MODEL = 'us.amazon.nova-lite-v1:0';

export async function startModelProviderFake(provider: ModelProvider): Promise<ModelProviderFake> {
  switch (provider) {
    case 'openai':
      return startOpenAiFake();
    case 'bedrock':
      return startBedrockFake();
    case 'offline':
      return offlineFake();
  }
}

async function startOpenAiFake(): Promise<ModelProviderFake> {
  const fake = await startFakeOpenAi();
  let scripted: string[] = [];
  const respond = () => ({ content: scripted.shift() ?? parleyReplyContent() });
  fake.setResponder(respond);
  const contentOf = (content: unknown) => (typeof content === 'string' ? content : JSON.stringify(content));
  return {
    provider: 'openai',
    env: { [ENV.modelProvider]: 'openai', OPENAI_BASE_URL: fake.baseUrl, OPENAI_API_KEY: 'sk-test' },
    chatModel: () =>
      new OpenAiChatModel({
        model: OPENAI_MODEL,
        client: new OpenAI({ apiKey: 'sk-test', baseURL: fake.baseUrl, maxRetries: 0, timeout: 2_000 }),
      }),
    prompts: () =>
      fake.requests.map((request) => ({
        system: contentOf(request.messages[0]?.content),
        lastUser: contentOf(request.messages.findLast((m) => m.role === 'user')?.content),
      })),
    answerMalformedThen(reply) {
      const good = parleyReplyContent({ reply });
      scripted.push('not json', good);
      // The fake counts 100 prompt tokens and a quarter of the content's length as completion tokens.
      return { inputTokens: 200, outputTokens: Math.ceil('not json'.length / 4) + Math.ceil(good.length / 4) };
    },
    answerWith(fields) {
      fake.setResponder(() => ({ content: scripted.shift() ?? parleyReplyContent(fields) }));
    },
    reset() {
      fake.requests.length = 0;
      scripted = [];
      fake.setResponder(respond);
    },
    stop: () => fake.stop(),
  };
}

async function startBedrockFake(): Promise<ModelProviderFake> {
  const fake = await startFakeBedrock();
  let restoreEnv: (() => void) | undefined;
  const textOf = (blocks: Array<Record<string, unknown>> | undefined) =>
    (blocks ?? []).map((block) => String(block.text ?? '')).join('\n');
  return {
    provider: 'bedrock',
    env: { [ENV.modelProvider]: 'bedrock', [ENV.bedrockChatModel]: BEDROCK_MODEL, ...fakeBedrockEnv(fake) },
    chatModel() {
      restoreEnv ??= useFakeBedrockEnv(fake);
      return new BedrockChatModel({ model: BEDROCK_MODEL, timeoutMs: 2_000 });
    },
    prompts: () =>
      fake.converseRequests.map(({ body }) => ({
        system: textOf(body.system),
        lastUser: textOf(body.messages?.findLast((m) => m.role === 'user')?.content),
      })),
    answerMalformedThen(reply) {
      fake.enqueue(
        { toolInput: { reply: 'not in the schema', extra: true }, usage: { inputTokens: 100, outputTokens: 7 } },
        { ...fakeToolReply({ reply }), usage: { inputTokens: 100, outputTokens: 42 } },
      );
      return { inputTokens: 200, outputTokens: 49 };
    },
    answerWith(fields) {
      fake.setResponder(() => fakeToolReply(fields));
    },
    reset() {
      fake.reset();
      fake.setResponder(() => fakeToolReply());
    },
    async stop() {
      restoreEnv?.();
      await fake.stop();
    },
  };
}

function offlineFake(): ModelProviderFake {
  const unsupported = () => {
    throw new Error('the offline model cannot be scripted');
  };
  return {
    provider: 'offline',
    env: { [ENV.modelProvider]: 'offline' },
    chatModel: () => new OfflineChatModel(),
    prompts: () => [],
    answerMalformedThen: unsupported,
    answerWith: unsupported,
    reset: () => undefined,
    stop: async () => undefined,
  };
}
