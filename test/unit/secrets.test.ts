import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { readSecretString } from '#lib/adapters/aws/secrets';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:parley/openai-AbCdEf';
const secretsManager = mockClient(SecretsManagerClient);

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
