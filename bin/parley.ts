/**
 * `npm run parley -- <command>`: operator commands.
 *
 *   create-tenant --stack Parley --name "Acme Inc"   creates an account in a deployed stack, with the
 *                                                    caller's AWS credentials, and prints its API key
 *   load-example <setup.json> --api <url> --key <key> creates an example's product, strategy, goal
 *                                                    and AI through the API (bin/load-example.ts)
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { createDocumentClient, DynamoStore } from '#lib/adapters/aws/dynamo-store';
import { readStackOutputs } from '#lib/adapters/aws/stack-outputs';
import { systemClock } from '#lib/adapters/system/system-clock';
import { createUlidIds } from '#lib/adapters/system/ulid-ids';
import { createTenant } from '#lib/app/tenants';
import { type LoadedExample, loadExample } from '#bin/load-example';

const USAGE = [
  'Usage: npm run parley -- create-tenant --stack <stack name> --name <account name> [--region <region>]',
  '       npm run parley -- load-example <setup.json> [--api http://localhost:3000] --key <api key> [--answer-url <url>]',
].join('\n');

type Clients = { cloudFormation?: CloudFormationClient; dynamo?: DynamoDBClient };

const OPTIONS = {
  stack: { type: 'string', default: 'Parley' },
  name: { type: 'string' },
  region: { type: 'string' },
  api: { type: 'string', default: 'http://localhost:3000' },
  key: { type: 'string' },
  'answer-url': { type: 'string' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

/** Runs one CLI command; returns the text to print. Exported for tests, which pass their own clients. */
export async function runCli(argv: string[], clients: Clients = {}): Promise<string> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  const [command, file] = positionals;
  if (command === 'create-tenant' && values.name) return createTenantCommand(values.name, values, clients);
  if (command === 'load-example' && file && values.key) {
    const answerUrl = values['answer-url'];
    const loaded = await loadExample(file, {
      api: values.api,
      apiKey: values.key,
      ...(answerUrl ? { answerUrl } : {}),
    });
    return describeLoaded(file, values.api, loaded);
  }
  throw new UsageError(USAGE);
}

async function createTenantCommand(name: string, values: Values, clients: Clients): Promise<string> {
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
    { tenantName: name },
  );
  const api = outputs.ApiUrl ?? '<ApiUrl>';
  return [
    `Created account "${name}" (${tenantId}).`,
    `API key (shown only now; store it in your password manager): ${apiKey}`,
    '',
    'Try it:',
    `  curl -s ${api.replace(/\/$/, '')}/v1/ais -H "Authorization: Bearer ${apiKey}"`,
    '',
  ].join('\n');
}

function describeLoaded(file: string, api: string, loaded: LoadedExample): string {
  return [
    `${loaded.alreadyLoaded ? 'Already loaded' : 'Loaded'} ${file} into ${api}:`,
    `  product   ${loaded.productId}`,
    `  strategy  ${loaded.strategyId}`,
    `  goal      ${loaded.goalId}`,
    `  ai        ${loaded.aiId}`,
    `Webhook secret (verifies the AI's webhook signatures; keep it private): ${loaded.webhookSecret}`,
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
