/** Imported by composeModels (models.ts) only where the key is in Secrets Manager; a module of its own for the reason s3-blobs.ts gives. */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readSecretString } from '#lib/adapters/aws/secrets';

/** Reads a secret's string value (undefined while it holds none), with one client for every read. */
export function createSecretReader(region: string): (secretArn: string) => Promise<string | undefined> {
  const client = new SecretsManagerClient({ region });
  return (secretArn) => readSecretString(secretArn, client);
}
