import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { composeDeps } from '#functions/composition';
import { readSecretString } from '#lib/adapters/aws/secrets';
import { OfflineChatModel } from '#lib/adapters/offline/offline-chat-model';
import { OpenAiChatModel } from '#lib/adapters/openai/openai-chat-model';
import { ENV, loadConfig } from '#lib/config';
import { SilentLogger } from '#test/support/fakes';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:parley/openai-AbCdEf';
const secretsManager = mockClient(SecretsManagerClient);

const awsEnv = {
  [ENV.tableName]: 'parley',
  [ENV.generationQueueUrl]: 'https://sqs.eu-west-1.amazonaws.com/123456789012/parley-generation.fifo',
  [ENV.deliveryQueueUrl]: 'https://sqs.eu-west-1.amazonaws.com/123456789012/parley-delivery',
  [ENV.ingestionQueueUrl]: 'https://sqs.eu-west-1.amazonaws.com/123456789012/parley-ingestion',
  [ENV.documentsBucket]: 'parley-documents',
  [ENV.region]: 'eu-west-1',
  [ENV.openAiSecretArn]: SECRET_ARN,
};

beforeEach(() => secretsManager.reset());

describe('readSecretString', () => {
  it('reads the current value of the secret by its ARN', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'sk-test-123\n' });

    const value = await readSecretString(SECRET_ARN, new SecretsManagerClient({}));

    expect(value).toBe('sk-test-123');
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(secretsManager.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({ SecretId: SECRET_ARN });
  });

  it('returns undefined for a secret that holds no string', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2]) });

    expect(await readSecretString(SECRET_ARN)).toBeUndefined();
  });

  it('returns undefined for the empty secret the stack creates (no value stored yet)', async () => {
    secretsManager.on(GetSecretValueCommand).rejects(
      new ResourceNotFoundException({
        message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
        $metadata: {},
      }),
    );

    expect(await readSecretString(SECRET_ARN)).toBeUndefined();
  });

  it('lets an AWS error through, so a function without its configuration fails to start', async () => {
    secretsManager.on(GetSecretValueCommand).rejects(new Error('AccessDeniedException'));

    await expect(readSecretString(SECRET_ARN)).rejects.toThrow('AccessDeniedException');
  });
});

describe('composeDeps with the OpenAI key in Secrets Manager', () => {
  it('answers with OpenAI once the operator has put the real key in the secret', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'sk-live-abc' });
    const logger = new SilentLogger();

    const deps = await composeDeps(loadConfig(awsEnv), logger);

    expect(deps.chatModel).toBeInstanceOf(OpenAiChatModel);
    expect(secretsManager.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({ SecretId: SECRET_ARN });
    expect(logger.lines.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it.each([
    ['no value yet (as the stack creates it)', undefined],
    ['an empty value', ''],
    ['only whitespace', '  \n'],
  ])('answers with the offline model and says how to set the key when the secret holds %s', async (_, value) => {
    if (value === undefined) {
      secretsManager
        .on(GetSecretValueCommand)
        .rejects(new ResourceNotFoundException({ message: 'no value for staging label AWSCURRENT', $metadata: {} }));
    } else {
      secretsManager.on(GetSecretValueCommand).resolves({ SecretString: value });
    }
    const logger = new SilentLogger();

    const deps = await composeDeps(loadConfig(awsEnv), logger);

    expect(deps.chatModel).toBeInstanceOf(OfflineChatModel);
    const warnings = logger.lines.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toContain(`aws secretsmanager put-secret-value --secret-id ${SECRET_ARN}`);
  });

  it('prefers a key set directly in the environment and does not read the secret', async () => {
    const logger = new SilentLogger();

    const deps = await composeDeps(loadConfig({ ...awsEnv, [ENV.openAiApiKey]: 'sk-local' }), logger);

    expect(deps.chatModel).toBeInstanceOf(OpenAiChatModel);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it('uses the offline model without asking AWS when no key and no secret are configured', async () => {
    const { [ENV.openAiSecretArn]: _, ...localEnv } = awsEnv;

    const deps = await composeDeps(loadConfig(localEnv), new SilentLogger());

    expect(deps.chatModel).toBeInstanceOf(OfflineChatModel);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });
});
