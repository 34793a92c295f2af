/**
 * `parley backfill-inbox`: runs the inbox backfill on a deployed stack's table to the end with the
 * caller's AWS credentials, rather than waiting for the sweeper's slices (upgrade notes:
 * docs/deploy.md). The local runtime runs it itself at start.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { createDocumentClient, createDynamoStores } from '#lib/adapters/aws/dynamo-stores';
import { readStackOutputs } from '#lib/adapters/aws/stack-outputs';
import { systemClock } from '#lib/adapters/system/system-clock';
import { backfillInbox } from '#lib/app/backfill-inbox';
import type { AwsClients } from '#bin/cli/tenants';

/** Backfills the inbox of the deployed stack `stack`; returns the text to print. */
export async function backfillStackInbox(input: { stack: string; region?: string }, clients: AwsClients) {
  const region = input.region ? { region: input.region } : {};
  const outputs = await readStackOutputs(input.stack, clients.cloudFormation ?? new CloudFormationClient(region));
  const tableName = outputs.TableName;
  if (!tableName) throw new Error(`stack ${input.stack} has no TableName output: is it a Parley stack?`);
  const { conversations, migrations } = createDynamoStores({
    tableName,
    client: createDocumentClient(clients.dynamo ?? new DynamoDBClient(region)),
  });
  const result = await backfillInbox({ conversations, migrations, clock: systemClock });
  return `Inbox backfill done: ${result.migrated} conversation(s) added to the inbox by this run.\n`;
}
