/**
 * `parley tenants create`: an account and its first API key. On a deployed stack the tenant is
 * written straight to the stack's table with the caller's AWS credentials (the API has no route for
 * it: a key belongs to one tenant). The local runtime serves one account, whose key it keeps in its
 * data dir; `--local` prints that key rather than writing to a database the running runtime holds.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { createDocumentClient, createDynamoStores } from '#lib/adapters/aws/dynamo-stores';
import { readStackOutputs } from '#lib/adapters/aws/stack-outputs';
import { systemClock } from '#lib/adapters/system/system-clock';
import { createUlidIds } from '#lib/adapters/system/ulid-ids';
import { createTenant } from '#lib/app/tenants';

/** The AWS clients a stack command uses (tests pass their own); each defaults to the SDK's chain. */
export type AwsClients = {
  cloudFormation?: CloudFormationClient;
  dynamo?: DynamoDBClient;
  s3?: S3Client;
  sqs?: SQSClient;
};

/** Creates a tenant in the deployed stack `stack`; returns the text to print. */
export async function createStackTenant(
  input: { name: string; stack: string; region?: string },
  clients: AwsClients,
): Promise<string> {
  const region = input.region ? { region: input.region } : {};
  const outputs = await readStackOutputs(input.stack, clients.cloudFormation ?? new CloudFormationClient(region));
  const tableName = outputs.TableName;
  if (!tableName) throw new Error(`stack ${input.stack} has no TableName output: is it a Parley stack?`);
  const { tenants } = createDynamoStores({
    tableName,
    client: createDocumentClient(clients.dynamo ?? new DynamoDBClient(region)),
  });
  const { tenantId, apiKey } = await createTenant(
    { tenants, clock: systemClock, ids: createUlidIds() },
    { tenantName: input.name },
  );
  const api = outputs.ApiUrl ?? '<ApiUrl>';
  return [
    `Created account "${input.name}" (${tenantId}).`,
    `API key (shown only now; store it in your password manager): ${apiKey}`,
    '',
    'Try it:',
    `  curl -s ${api.replace(/\/$/, '')}/v1/ais -H "Authorization: Bearer ${apiKey}"`,
    '',
  ].join('\n');
}

/** The local runtime's account key: PARLEY_LOCAL_API_KEY, else the one saved in the data dir. */
export async function describeLocalTenant(dataDir: string, envKey: string | undefined): Promise<string> {
  const file = join(resolve(dataDir), 'api-key');
  const key = envKey ?? (existsSync(file) ? (await readFile(file, 'utf8')).trim() : undefined);
  const origin = envKey ? 'PARLEY_LOCAL_API_KEY' : file;
  if (!key) throw new Error(`no local API key in ${file}: run \`parley dev\` once to generate it`);
  return [
    `The local runtime serves one account; its API key (from ${origin}): ${key}`,
    'More keys for it: `parley keys create --name <what for>`.',
    '',
  ].join('\n');
}
