/** Imported by composeModels (models.ts) only where the key is in Secrets Manager; a module of its own for the reason s3-blobs.ts gives. */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readSecretString } from '#lib/adapters/aws/secrets';

/** The secret's string value (undefined while it holds none), with a client used for this one read. */
export async function readSecretOnce(secretArn: string, region: string): Promise<string | undefined> {
  const secrets = new SecretsManagerClient({ region });
  return readSecretString(secretArn, secrets).finally(() => secrets.destroy());
}
