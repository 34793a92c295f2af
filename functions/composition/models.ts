/**
 * The chat model and the embedder, as `config.modelProvider` says: OpenAI (or a compatible
 * server), Amazon Bedrock, or the offline model. Nothing falls back to the offline model by itself:
 * a deployed stack whose model is missing, refused or not enabled escalates its answers
 * (`model_unavailable`).
 *
 * Each provider's SDK-backed adapters are imported inside its case, so a function bundled for one provider
 * can leave the other's SDK out (the stack marks it external) without ever loading it.
 */
import type { Deps } from '#lib/app/deps';
import { type Config, ENV } from '#lib/config';
import {
  embeddingModelRefusal,
  forcedToolRefusal,
  supportsEmbeddingModel,
  supportsForcedTool,
} from '#lib/adapters/bedrock/models';
import { OfflineChatModel } from '#lib/adapters/offline/offline-chat-model';
import type { Logger } from '#lib/ports/system';

export type ModelDeps = Pick<Deps, 'chatModel' | 'embedder'>;

/** Reads a secret's current string value; undefined while it holds none. */
export type SecretReader = (secretArn: string) => Promise<string | undefined>;

export interface ComposeModelsOptions {
  /** Secrets Manager by default; tests pass their own reader. */
  readSecret?: SecretReader;
  /** Milliseconds since the epoch, for the key's rechecks (tests pass a clock). */
  now?: () => number;
}

/** What a compatible server without keys is given: the SDK refuses an empty key. */
const KEYLESS_SERVER_KEY = 'not-needed';

/** The models `config.modelProvider` names. A new provider is a new case, and tsc finds the switch. */
export async function composeModels(
  config: Config,
  logger: Logger,
  options: ComposeModelsOptions = {},
): Promise<ModelDeps> {
  const provider = config.modelProvider;
  switch (provider) {
    case 'offline':
      return { chatModel: new OfflineChatModel() };
    case 'openai':
      return composeOpenAi(config, logger, options);
    case 'bedrock':
      return composeBedrock(config);
    default: {
      const unknown: never = provider;
      throw new Error(`unknown model provider ${String(unknown)}`);
    }
  }
}

/**
 * OpenAI's chat model and embedder. The key comes from the environment (local), else from the
 * secret (AWS), else a base URL alone means a keyless compatible server. The secret's key is
 * read at cold start; while it is missing the chat model throws ModelUnavailableError and looks
 * again every KEY_RECHECK_MS, and there is no embedder (search stays lexical) until the next cold start.
 */
async function composeOpenAi(config: Config, logger: Logger, options: ComposeModelsOptions): Promise<ModelDeps> {
  const { apiKey, apiKeySecretArn, baseUrl, chatModel, embeddingModel } = config.openAi;
  // Checked here, not in loadConfig: functions that build no model (delivery, the sweeper) are
  // given the provider but not the key's secret, and must start all the same.
  if (!(apiKey || apiKeySecretArn || baseUrl)) {
    throw new Error(
      `invalid configuration: ${ENV.modelProvider}=openai needs ${ENV.openAiApiKey}, ${ENV.openAiBaseUrl} or ${ENV.openAiSecretArn}`,
    );
  }
  // One after another: they share modules, and jest's ESM loader fails concurrent imports of one.
  const { KEY_RECHECK_MS, KeyedChatModel } = await import('#lib/adapters/openai/keyed-chat-model');
  const { OpenAiChatModel } = await import('#lib/adapters/openai/openai-chat-model');
  const { OpenAiEmbedder } = await import('#lib/adapters/openai/openai-embedder');
  const connect = (key: string) => ({ apiKey: key, ...(baseUrl ? { baseUrl } : {}) });
  const buildChatModel = (key: string) => new OpenAiChatModel({ model: chatModel, ...connect(key) });
  const buildEmbedder = (key: string) => new OpenAiEmbedder({ model: embeddingModel, ...connect(key) });
  if (apiKey || !apiKeySecretArn) {
    const key = apiKey ?? KEYLESS_SERVER_KEY;
    return { chatModel: buildChatModel(key), embedder: buildEmbedder(key) };
  }
  const readSecret = options.readSecret ?? secretsManagerReader(config.region);
  // A compatible server behind a base URL may need no key while the secret is empty.
  const stored = (await readSecret(apiKeySecretArn)) ?? (baseUrl ? KEYLESS_SERVER_KEY : undefined);
  const howToSet = `aws secretsmanager put-secret-value --secret-id ${apiKeySecretArn} --secret-string 'sk-…'`;
  if (!stored) {
    logger.warn(
      'The OpenAI key is not set, so answers are escalated as model_unavailable and nothing is sent to prospects. ' +
        `Set it with: ${howToSet} (functions look again every ${KEY_RECHECK_MS / 1000} s).`,
    );
  }
  return {
    chatModel: new KeyedChatModel({
      readKey: () => readSecret(apiKeySecretArn),
      build: buildChatModel,
      ...(stored ? { initialKey: stored } : {}),
      missingKeyMessage: `the OpenAI key is not set; set it with: ${howToSet}`,
      ...(options.now ? { now: options.now } : {}),
    }),
    ...(stored ? { embedder: buildEmbedder(stored) } : {}),
  };
}

/**
 * Bedrock's chat model and Titan embedder. There is no key: the SDK's default chain gives the
 * region and credentials (the Lambda role; locally AWS_PROFILE or the environment's keys), and a
 * role that may not call the model shows as ModelUnavailableError on the first answer.
 */
async function composeBedrock(config: Config): Promise<ModelDeps> {
  const { chatModel, embeddingModel } = config.bedrock;
  if (!supportsForcedTool(chatModel)) {
    throw new Error(`invalid configuration: ${ENV.bedrockChatModel}: ${forcedToolRefusal(chatModel)}`);
  }
  if (!supportsEmbeddingModel(embeddingModel)) {
    throw new Error(`invalid configuration: ${ENV.bedrockEmbeddingModel}: ${embeddingModelRefusal(embeddingModel)}`);
  }
  const { BedrockChatModel } = await import('#lib/adapters/bedrock/bedrock-chat-model');
  const { TitanEmbedder } = await import('#lib/adapters/bedrock/titan-embedder');
  return {
    chatModel: new BedrockChatModel({ model: chatModel }),
    embedder: new TitanEmbedder({ model: embeddingModel }),
  };
}

/** One Secrets Manager client for the function's life: the key may be read again after cold start. */
function secretsManagerReader(region: string): SecretReader {
  // Imported on the first read: a function whose key is not in a secret never loads the client.
  let reader: Promise<SecretReader> | undefined;
  return async (secretArn) => {
    reader ??= import('#functions/composition/deferred/secret-reader').then((m) => m.createSecretReader(region));
    return (await reader)(secretArn);
  };
}
