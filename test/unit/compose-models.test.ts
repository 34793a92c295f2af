/**
 * What the composition root builds for each model provider and state of the OpenAI secret. The
 * secret is read through an injected reader (Secrets Manager's own behaviour is readSecretString's,
 * tested in secrets.test.ts); no model is called here.
 */
import { describe, expect, it } from '@jest/globals';
import { composeModels, type SecretReader } from '#functions/composition/models';
import { BedrockChatModel } from '#lib/adapters/bedrock/bedrock-chat-model';
import { DEFAULT_BEDROCK_CHAT_MODEL, DEFAULT_BEDROCK_EMBEDDING_MODEL } from '#lib/adapters/bedrock/models';
import { TitanEmbedder } from '#lib/adapters/bedrock/titan-embedder';
import { OfflineChatModel } from '#lib/adapters/offline/offline-chat-model';
import { KeyedChatModel } from '#lib/adapters/openai/keyed-chat-model';
import { OpenAiChatModel } from '#lib/adapters/openai/openai-chat-model';
import { OpenAiEmbedder } from '#lib/adapters/openai/openai-embedder';
import { ENV, loadConfig } from '#lib/config';
import { ModelUnavailableError } from '#lib/domain/reply';
import { SilentLogger, HELLO_REQUEST } from '#test/support/fakes';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:parley/openai-AbCdEf';

/** A deployed function's environment, as the stack sets it. */
const awsEnv = {
  [ENV.tableName]: 'parley',
  [ENV.generationQueueUrl]: 'https://sqs.eu-west-1.amazonaws.com/123456789012/parley-generation.fifo',
  [ENV.deliveryQueueUrl]: 'https://sqs.eu-west-1.amazonaws.com/123456789012/parley-delivery',
  [ENV.ingestionQueueUrl]: 'https://sqs.eu-west-1.amazonaws.com/123456789012/parley-ingestion',
  [ENV.documentsBucket]: 'parley-documents',
  [ENV.region]: 'eu-west-1',
  [ENV.modelProvider]: 'openai',
  [ENV.openAiSecretArn]: SECRET_ARN,
};

const request = HELLO_REQUEST;

/** A secret holding `value`, recording every read. */
function secretHolding(value: string | undefined): SecretReader & { reads: string[] } {
  const reads: string[] = [];
  return Object.assign(
    async (arn: string) => {
      reads.push(arn);
      return value;
    },
    { reads },
  );
}

describe('composeModels', () => {
  it('refuses openai with neither a key, a base URL nor a secret, rather than failing on every answer', async () => {
    const { [ENV.openAiSecretArn]: _secret, ...noSecret } = awsEnv;

    await expect(composeModels(loadConfig(noSecret), new SilentLogger())).rejects.toThrow(
      `${ENV.modelProvider}=openai needs ${ENV.openAiApiKey}, ${ENV.openAiBaseUrl} or ${ENV.openAiSecretArn}`,
    );
  });

  it('answers with OpenAI, and embeds, once the operator has put the key in the secret', async () => {
    const secret = secretHolding('sk-live-abc');
    const logger = new SilentLogger();

    const models = await composeModels(loadConfig(awsEnv), logger, { readSecret: secret });

    expect(models.chatModel).toBeInstanceOf(KeyedChatModel);
    expect(models.embedder).toBeInstanceOf(OpenAiEmbedder);
    expect(secret.reads).toEqual([SECRET_ARN]);
    expect(logger.lines.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('never answers from the offline model when the secret is empty: the model is unavailable and a warning says how to set the key', async () => {
    const logger = new SilentLogger();

    const models = await composeModels(loadConfig(awsEnv), logger, { readSecret: secretHolding(undefined) });

    expect(models.chatModel).not.toBeInstanceOf(OfflineChatModel);
    await expect(models.chatModel.generateReply(request)).rejects.toBeInstanceOf(ModelUnavailableError);
    expect(models.embedder).toBeUndefined();
    const warnings = logger.lines.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toContain('model_unavailable');
    expect(warnings[0]?.message).toContain(`aws secretsmanager put-secret-value --secret-id ${SECRET_ARN}`);
  });

  it('answers from the offline model only when the provider is offline, and never reads a secret', async () => {
    const secret = secretHolding('sk-live-abc');

    const models = await composeModels(loadConfig({ ...awsEnv, [ENV.modelProvider]: 'offline' }), new SilentLogger(), {
      readSecret: secret,
    });

    expect(models.chatModel).toBeInstanceOf(OfflineChatModel);
    expect(models.embedder).toBeUndefined();
    expect(secret.reads).toEqual([]);
  });

  it('prefers a key set directly in the environment and does not read the secret', async () => {
    const secret = secretHolding('sk-live-abc');

    const models = await composeModels(loadConfig({ ...awsEnv, [ENV.openAiApiKey]: 'sk-local' }), new SilentLogger(), {
      readSecret: secret,
    });

    expect(models.chatModel).toBeInstanceOf(OpenAiChatModel);
    expect(secret.reads).toEqual([]);
  });

  it('uses a keyless OpenAI-compatible server while the secret is empty', async () => {
    const logger = new SilentLogger();

    const models = await composeModels(
      loadConfig({ ...awsEnv, [ENV.openAiBaseUrl]: 'http://127.0.0.1:11434/v1' }),
      logger,
      { readSecret: secretHolding(undefined) },
    );

    expect(models.embedder).toBeInstanceOf(OpenAiEmbedder);
    expect(logger.lines.filter((l) => l.level === 'warn')).toEqual([]);
  });

  describe('locally, with no PARLEY_MODEL_PROVIDER', () => {
    const { [ENV.modelProvider]: _provider, [ENV.openAiSecretArn]: _secret, ...localEnv } = awsEnv;

    it('answers from the offline model when no key and no base URL are set, as `npm start` does', async () => {
      const models = await composeModels(loadConfig(localEnv), new SilentLogger());

      expect(models.chatModel).toBeInstanceOf(OfflineChatModel);
    });

    it('answers with OpenAI when OPENAI_API_KEY is set', async () => {
      const models = await composeModels(
        loadConfig({ ...localEnv, [ENV.openAiApiKey]: 'sk-local' }),
        new SilentLogger(),
      );

      expect(models.chatModel).toBeInstanceOf(OpenAiChatModel);
      expect(models.embedder).toBeInstanceOf(OpenAiEmbedder);
    });
  });

  describe('with bedrock', () => {
    const { [ENV.openAiSecretArn]: _secret, ...openAiFree } = awsEnv;
    const bedrockEnv = { ...openAiFree, [ENV.modelProvider]: 'bedrock' };

    it('answers with the Converse chat model and embeds with Titan V2 at 256 dimensions, reading no secret', async () => {
      const secret = secretHolding('sk-live-abc');

      const models = await composeModels(loadConfig(bedrockEnv), new SilentLogger(), { readSecret: secret });

      expect(models.chatModel).toBeInstanceOf(BedrockChatModel);
      expect(models.embedder).toBeInstanceOf(TitanEmbedder);
      expect(models.embedder).toMatchObject({ model: DEFAULT_BEDROCK_EMBEDDING_MODEL, dimensions: 256 });
      expect(secret.reads).toEqual([]);
    });

    it('defaults the chat model to Nova Lite through its US inference profile', () => {
      expect(loadConfig(bedrockEnv).bedrock).toEqual({
        chatModel: DEFAULT_BEDROCK_CHAT_MODEL,
        embeddingModel: DEFAULT_BEDROCK_EMBEDDING_MODEL,
      });
      expect(DEFAULT_BEDROCK_CHAT_MODEL).toBe('us.amazon.nova-lite-v1:0');
    });

    it('refuses a chat model that cannot be forced to answer through a tool, saying why', async () => {
      const config = loadConfig({ ...bedrockEnv, [ENV.bedrockChatModel]: 'meta.llama3-70b-instruct-v1:0' });

      await expect(composeModels(config, new SilentLogger())).rejects.toThrow(
        `${ENV.bedrockChatModel}: the Bedrock chat model meta.llama3-70b-instruct-v1:0 cannot be made to answer through a tool (toolChoice)`,
      );
    });

    it('refuses an embedding model other than Titan Text Embeddings V2', async () => {
      const config = loadConfig({ ...bedrockEnv, [ENV.bedrockEmbeddingModel]: 'cohere.embed-english-v3' });

      await expect(composeModels(config, new SilentLogger())).rejects.toThrow(
        `${ENV.bedrockEmbeddingModel}: the Bedrock embedding model cohere.embed-english-v3 is not Amazon Titan Text Embeddings V2`,
      );
    });
  });
});
