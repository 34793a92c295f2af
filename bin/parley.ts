/**
 * `npm run parley -- <command>`: operations on a deployed Parley stack, with the caller's AWS
 * credentials (the usual AWS_PROFILE / AWS_REGION).
 *
 *   create-tenant --stack Parley --name "Acme Inc"   creates an account and prints its API key
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { createDocumentClient, DynamoStore } from '#lib/adapters/aws/dynamo-store';
import { readStackOutputs } from '#lib/adapters/aws/stack-outputs';
import { systemClock } from '#lib/adapters/system/system-clock';
import { createUlidIds } from '#lib/adapters/system/ulid-ids';
import { createTenant } from '#lib/app/tenants';

const USAGE = `Usage: npm run parley -- create-tenant --stack <stack name> --name <account name> [--region <region>]`;

/** Runs one CLI command; returns the text to print. Exported for tests, which pass their own clients. */
export async function runCli(
  argv: string[],
  clients: { cloudFormation?: CloudFormationClient; dynamo?: DynamoDBClient } = {},
): Promise<string> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { stack: { type: 'string', default: 'Parley' }, name: { type: 'string' }, region: { type: 'string' } },
  });
  if (positionals[0] !== 'create-tenant' || !values.name) throw new UsageError(USAGE);
  const region = values.region ? { region: values.region } : {};
  const outputs = await readStackOutputs(values.stack, clients.cloudFormation ?? new CloudFormationClient(region));
  const tableName = outputs.TableName;
  if (!tableName) throw new Error(`stack ${values.stack} has no TableName output: is it a Parley stack?`);
  const store = new DynamoStore({
    tableName,
    client: createDocumentClient(clients.dynamo ?? new DynamoDBClient(region)),
  });
  const { tenantId, apiKey } = await createTenant(
    { store, clock: systemClock, ids: createUlidIds() },
    { tenantName: values.name },
  );
  const api = outputs.ApiUrl ?? '<ApiUrl>';
  return [
    `Created account "${values.name}" (${tenantId}).`,
    `API key (shown only now; store it in your password manager): ${apiKey}`,
    '',
    'Try it:',
    `  curl -s ${api.replace(/\/$/, '')}/v1/ais -H "Authorization: Bearer ${apiKey}"`,
    '',
  ].join('\n');
}

export class UsageError extends Error {}

async function main(): Promise<void> {
  try {
    process.stdout.write(await runCli(process.argv.slice(2)));
  } catch (error) {
    process.stderr.write(`${error instanceof UsageError ? '' : 'parley: '}${(error as Error).message}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
