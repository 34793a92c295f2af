/** The chat model and the embedder: OpenAI (or a compatible server) when a key is set, else the offline model. */
import type { Deps } from '#lib/app/deps';
import type { Config } from '#lib/config';
import { OfflineChatModel } from '#lib/adapters/offline/offline-chat-model';
import { OpenAiChatModel } from '#lib/adapters/openai/openai-chat-model';
import { OpenAiEmbedder } from '#lib/adapters/openai/openai-embedder';
import type { Logger } from '#lib/ports';

/**
 * The OpenAI key: from the environment (local), else from the secret (AWS). The stack creates the
 * secret empty; until the operator puts the key in, the offline model answers, with a warning once
 * per cold start. A keyless base URL (a local OpenAI-compatible server) needs no key.
 */
async function resolveOpenAiKey(config: Config, logger: Logger): Promise<string | undefined> {
  const { apiKey, apiKeySecretArn, baseUrl } = config.openAi;
  if (apiKey) return apiKey;
  if (apiKeySecretArn) {
    // Imported here: a function without the secret (local, tests) never loads the Secrets Manager client.
    const { readSecretOnce } = await import('#functions/composition/deferred/secret-reader');
    const stored = await readSecretOnce(apiKeySecretArn, config.region);
    if (stored) return stored;
    logger.warn(
      'The OpenAI key is not set, so the offline model answers. Set the OpenAI key with: ' +
        `aws secretsmanager put-secret-value --secret-id ${apiKeySecretArn} --secret-string 'sk-…'` +
        ' (functions read it when they start).',
    );
  }
  return baseUrl ? 'not-needed' : undefined;
}

/** OpenAI's chat model and embedder when a key (or a compatible server) is set, else the offline model and no embedder. */
export async function composeModels(config: Config, logger: Logger): Promise<Pick<Deps, 'chatModel' | 'embedder'>> {
  const apiKey = await resolveOpenAiKey(config, logger);
  if (!apiKey) return { chatModel: new OfflineChatModel() };
  const connection = { apiKey, ...(config.openAi.baseUrl ? { baseUrl: config.openAi.baseUrl } : {}) };
  return {
    chatModel: new OpenAiChatModel({ model: config.openAi.chatModel, ...connection }),
    embedder: new OpenAiEmbedder({ model: config.openAi.embeddingModel, ...connection }),
  };
}
