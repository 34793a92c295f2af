/** Secrets Manager: where the deployed stack keeps the OpenAI key, read once per cold start. */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * Returns the current string value of a secret (trimmed), or undefined if it holds none yet (the
 * stack creates the OpenAI secret empty: Secrets Manager then answers ResourceNotFoundException for
 * its AWSCURRENT value) or only a binary value. Throws on any other AWS error: a function that
 * cannot read its configuration should fail its cold start rather than run half-configured.
 */
export async function readSecretString(
  secretArn: string,
  client: SecretsManagerClient = new SecretsManagerClient({}),
): Promise<string | undefined> {
  try {
    const output = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    return output.SecretString?.trim();
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}
