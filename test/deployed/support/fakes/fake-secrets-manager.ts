/**
 * A recording fake of Secrets Manager on loopback, speaking awsJson1_1 (`secretsmanager.<Operation>`)
 * as the service does, for the deployed-shape suite: the real `SecretsManagerClient` reaches it
 * through `endpoint` or `AWS_ENDPOINT_URL_SECRETS_MANAGER`. Secrets are seeded at start, with or
 * without a value; GetSecretValue, PutSecretValue and DescribeSecret answer as the service does,
 * including its ResourceNotFoundException for a secret that exists but holds no value yet.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  type AwsFakeServer,
  AwsServiceError,
  awsJsonHandler,
  type JsonObject,
  type RecordedCall,
  startAwsFakeServer,
  toEpochSeconds,
} from '#test/deployed/support/fakes/aws-fake-server';

/** A secret the fake starts with; `arn` defaults to one ending in a random six-character suffix, as AWS makes. */
export interface SeededSecret {
  name: string;
  arn?: string;
  /** The AWSCURRENT string value; a secret without one is as the stack creates it, empty. */
  value?: string;
  description?: string;
}

/** A secret as it stands: its current string value, if it has one. */
export interface FakeSecret {
  name: string;
  arn: string;
  current?: string;
}

/** The running fake: its endpoint, what it was asked, and its secrets as they stand. */
export interface FakeSecretsManager extends AwsFakeServer {
  calls: RecordedCall[];
  /** Every secret with its AWSCURRENT string value. */
  secrets(): FakeSecret[];
}

interface SecretVersion {
  versionId: string;
  secretString?: string;
  /** Base64, as it travels. */
  secretBinary?: string;
  stages: Set<string>;
  created: Date;
}

interface StoredSecret {
  name: string;
  arn: string;
  description?: string;
  created: Date;
  lastChanged: Date;
  versions: Map<string, SecretVersion>;
}

const CURRENT = 'AWSCURRENT';
const PREVIOUS = 'AWSPREVIOUS';
const SUFFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Starts the fake on 127.0.0.1 holding `secrets`. */
export async function startFakeSecretsManager(options: {
  region: string;
  accountId: string;
  secrets?: SeededSecret[];
}): Promise<FakeSecretsManager> {
  const arnPrefix = `arn:aws:secretsmanager:${options.region}:${options.accountId}:secret:`;
  const store = new Map<string, StoredSecret>();
  const calls: RecordedCall[] = [];
  for (const seed of options.secrets ?? []) {
    const now = new Date();
    const secret: StoredSecret = {
      name: seed.name,
      arn: seed.arn ?? `${arnPrefix}${seed.name}-${randomSuffix()}`,
      created: now,
      lastChanged: now,
      versions: new Map(),
      ...(seed.description === undefined ? {} : { description: seed.description }),
    };
    if (seed.value !== undefined) addVersion(secret, randomUUID(), { secretString: seed.value }, [CURRENT]);
    store.set(secret.arn, secret);
  }

  /** The secret a SecretId names: its full ARN, its name, or its ARN without the random suffix. */
  function find(secretId: unknown): StoredSecret {
    for (const secret of store.values()) {
      const partialArn = secret.arn.replace(/-[a-zA-Z0-9]{6}$/, '');
      if (secretId === secret.arn || secretId === secret.name || secretId === partialArn) return secret;
    }
    throw new AwsServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
  }

  function getSecretValue(input: JsonObject) {
    const secret = find(input.SecretId);
    const versionId = input.VersionId as string | undefined;
    const stage = (input.VersionStage as string | undefined) ?? (versionId === undefined ? CURRENT : undefined);
    const version =
      versionId === undefined ? versionWithStage(secret, stage ?? CURRENT) : secret.versions.get(versionId);
    if (!version || (stage !== undefined && !version.stages.has(stage))) {
      const label = versionId === undefined ? `staging label: ${stage}` : `VersionId: ${versionId}`;
      throw new AwsServiceError(
        'ResourceNotFoundException',
        `Secrets Manager can't find the specified secret value for ${label}`,
      );
    }
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.versionId,
      ...(version.secretString === undefined ? {} : { SecretString: version.secretString }),
      ...(version.secretBinary === undefined ? {} : { SecretBinary: version.secretBinary }),
      VersionStages: [...version.stages],
      CreatedDate: toEpochSeconds(version.created),
    };
  }

  function putSecretValue(input: JsonObject) {
    const secret = find(input.SecretId);
    const value = {
      ...(typeof input.SecretString === 'string' ? { secretString: input.SecretString } : {}),
      ...(typeof input.SecretBinary === 'string' ? { secretBinary: input.SecretBinary } : {}),
    };
    if ((value.secretString === undefined) === (value.secretBinary === undefined)) {
      throw new AwsServiceError('InvalidRequestException', 'You must provide either SecretString or SecretBinary.');
    }
    const versionId = (input.ClientRequestToken as string | undefined) ?? randomUUID();
    const existing = secret.versions.get(versionId);
    if (existing) {
      // A retry with the same token is idempotent; the same token with another value is refused.
      if (existing.secretString !== value.secretString || existing.secretBinary !== value.secretBinary) {
        throw new AwsServiceError(
          'ResourceExistsException',
          "You can't modify an existing version, you can only create a new version.",
        );
      }
    } else {
      addVersion(secret, versionId, value, (input.VersionStages as string[] | undefined) ?? [CURRENT]);
    }
    const version = secret.versions.get(versionId) as SecretVersion;
    return { ARN: secret.arn, Name: secret.name, VersionId: versionId, VersionStages: [...version.stages] };
  }

  function describeSecret(input: JsonObject) {
    const secret = find(input.SecretId);
    const stages = [...secret.versions.values()].filter((v) => v.stages.size > 0);
    return {
      ARN: secret.arn,
      Name: secret.name,
      ...(secret.description === undefined ? {} : { Description: secret.description }),
      CreatedDate: toEpochSeconds(secret.created),
      LastChangedDate: toEpochSeconds(secret.lastChanged),
      ...(stages.length === 0
        ? {}
        : { VersionIdsToStages: Object.fromEntries(stages.map((v) => [v.versionId, [...v.stages]])) }),
    };
  }

  const server = await startAwsFakeServer({
    protocol: 'awsJson1_1',
    handle: awsJsonHandler(
      'secretsmanager',
      { GetSecretValue: getSecretValue, PutSecretValue: putSecretValue, DescribeSecret: describeSecret },
      calls,
    ),
  });

  return {
    ...server,
    calls,
    secrets: () =>
      [...store.values()].map((secret) => {
        const current = versionWithStage(secret, CURRENT)?.secretString;
        return { name: secret.name, arn: secret.arn, ...(current === undefined ? {} : { current }) };
      }),
  };
}

/**
 * Adds a version with `stages`, moving each label from the version that had it; a new AWSCURRENT
 * makes the old one AWSPREVIOUS, as Secrets Manager does.
 */
function addVersion(
  secret: StoredSecret,
  versionId: string,
  value: Pick<SecretVersion, 'secretString' | 'secretBinary'>,
  stages: string[],
): void {
  const now = new Date();
  const previousCurrent = versionWithStage(secret, CURRENT);
  for (const version of secret.versions.values()) for (const stage of stages) version.stages.delete(stage);
  if (stages.includes(CURRENT) && previousCurrent) {
    for (const version of secret.versions.values()) version.stages.delete(PREVIOUS);
    previousCurrent.stages.add(PREVIOUS);
  }
  secret.versions.set(versionId, { versionId, ...value, stages: new Set(stages), created: now });
  secret.lastChanged = now;
}

function versionWithStage(secret: StoredSecret, stage: string): SecretVersion | undefined {
  return [...secret.versions.values()].find((version) => version.stages.has(stage));
}

function randomSuffix(): string {
  return [...randomBytes(6)].map((byte) => SUFFIX_ALPHABET[byte % SUFFIX_ALPHABET.length]).join('');
}
