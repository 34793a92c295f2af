import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { readSecretString } from '#lib/adapters/aws/secrets';
import { type FakeSecretsManager, startFakeSecretsManager } from '#test/deployed/support/fakes/fake-secrets-manager';

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const OPENAI_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:parley/openai-AbC123`;
const WEBHOOK_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:parley/webhook-XyZ789`;
const credentials = { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake-secret' };

let fake: FakeSecretsManager;
let client: SecretsManagerClient;

beforeEach(async () => {
  fake = await startFakeSecretsManager({
    region: REGION,
    accountId: ACCOUNT,
    secrets: [
      { name: 'parley/openai', arn: OPENAI_ARN },
      { name: 'parley/webhook', arn: WEBHOOK_ARN, value: ' whsec_1 \n', description: 'signing key' },
    ],
  });
  client = new SecretsManagerClient({ region: REGION, endpoint: fake.endpoint, credentials, maxAttempts: 1 });
});
afterEach(async () => {
  client.destroy();
  await fake.stop();
});

async function errorOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: Error & { $metadata: { httpStatusCode?: number } }) => e,
  );
  if (!error) throw new Error('expected the call to fail');
  return { name: error.name, message: error.message, status: error.$metadata.httpStatusCode };
}

describe('the fake Secrets Manager', () => {
  it('answers GetSecretValue by ARN, name or partial ARN with the AWSCURRENT value', async () => {
    const ids = [WEBHOOK_ARN, 'parley/webhook', WEBHOOK_ARN.replace(/-XyZ789$/, '')];

    const outputs = await Promise.all(ids.map((id) => client.send(new GetSecretValueCommand({ SecretId: id }))));

    for (const output of outputs) {
      expect(output).toMatchObject({
        ARN: WEBHOOK_ARN,
        Name: 'parley/webhook',
        SecretString: ' whsec_1 \n',
        VersionStages: ['AWSCURRENT'],
        VersionId: expect.any(String),
      });
      expect(output.CreatedDate).toBeInstanceOf(Date);
    }
  });

  it('answers ResourceNotFoundException for a secret with no value and for one that does not exist', async () => {
    const empty = await errorOf(client.send(new GetSecretValueCommand({ SecretId: OPENAI_ARN })));
    const unknown = await errorOf(client.send(new GetSecretValueCommand({ SecretId: 'parley/nope' })));

    expect(empty).toEqual({
      name: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
      status: 400,
    });
    expect(unknown).toEqual({
      name: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret.",
      status: 400,
    });
  });

  it('makes a put value AWSCURRENT and the one it replaces AWSPREVIOUS', async () => {
    const put = await client.send(new PutSecretValueCommand({ SecretId: 'parley/webhook', SecretString: 'whsec_2' }));

    const current = await client.send(new GetSecretValueCommand({ SecretId: WEBHOOK_ARN }));
    const previous = await client.send(
      new GetSecretValueCommand({ SecretId: WEBHOOK_ARN, VersionStage: 'AWSPREVIOUS' }),
    );
    const described = await client.send(new DescribeSecretCommand({ SecretId: WEBHOOK_ARN }));

    expect(put).toMatchObject({ ARN: WEBHOOK_ARN, Name: 'parley/webhook', VersionStages: ['AWSCURRENT'] });
    expect(current).toMatchObject({ SecretString: 'whsec_2', VersionId: put.VersionId });
    expect(previous).toMatchObject({ SecretString: ' whsec_1 \n', VersionStages: ['AWSPREVIOUS'] });
    expect(described).toMatchObject({
      ARN: WEBHOOK_ARN,
      Name: 'parley/webhook',
      Description: 'signing key',
      VersionIdsToStages: { [put.VersionId ?? '']: ['AWSCURRENT'], [previous.VersionId ?? '']: ['AWSPREVIOUS'] },
    });
    expect(described.LastChangedDate).toBeInstanceOf(Date);
  });

  it('treats a PutSecretValue retried with the same token as done, and refuses the token with another value', async () => {
    const token = 'a1b2c3d4-0000-4000-8000-000000000001';
    const first = await client.send(
      new PutSecretValueCommand({ SecretId: OPENAI_ARN, SecretString: 'sk-1', ClientRequestToken: token }),
    );

    const retry = await client.send(
      new PutSecretValueCommand({ SecretId: OPENAI_ARN, SecretString: 'sk-1', ClientRequestToken: token }),
    );
    const changed = await errorOf(
      client.send(new PutSecretValueCommand({ SecretId: OPENAI_ARN, SecretString: 'sk-2', ClientRequestToken: token })),
    );

    expect(retry).toEqual(expect.objectContaining({ VersionId: first.VersionId, VersionStages: ['AWSCURRENT'] }));
    expect(changed).toMatchObject({ name: 'ResourceExistsException', status: 400 });
    expect(fake.secrets()).toEqual([
      { name: 'parley/openai', arn: OPENAI_ARN, current: 'sk-1' },
      { name: 'parley/webhook', arn: WEBHOOK_ARN, current: ' whsec_1 \n' },
    ]);
  });

  it('records every call with its input and the error it answered', async () => {
    await client.send(new GetSecretValueCommand({ SecretId: WEBHOOK_ARN }));
    await client.send(new GetSecretValueCommand({ SecretId: OPENAI_ARN })).catch(() => undefined);

    expect(fake.calls).toEqual([
      { operation: 'GetSecretValue', input: { SecretId: WEBHOOK_ARN } },
      { operation: 'GetSecretValue', input: { SecretId: OPENAI_ARN }, error: 'ResourceNotFoundException' },
    ]);
  });
});

describe('readSecretString against the fake', () => {
  it('reads an empty secret as undefined and a set one as its trimmed value', async () => {
    const before = await readSecretString(OPENAI_ARN, client);
    await client.send(new PutSecretValueCommand({ SecretId: OPENAI_ARN, SecretString: ' sk-test \n' }));

    const after = await readSecretString(OPENAI_ARN, client);
    const webhook = await readSecretString(WEBHOOK_ARN, client);

    expect([before, after, webhook]).toEqual([undefined, 'sk-test', 'whsec_1']);
    expect(fake.calls.map((c) => [c.operation, c.input.SecretId, c.error])).toEqual([
      ['GetSecretValue', OPENAI_ARN, 'ResourceNotFoundException'],
      ['PutSecretValue', OPENAI_ARN, undefined],
      ['GetSecretValue', OPENAI_ARN, undefined],
      ['GetSecretValue', WEBHOOK_ARN, undefined],
    ]);
  });
});
