/** The table as Parley made it before the inbox: `tableDefinition` without gsi2, for upgrade tests. */
import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { tableDefinition } from '#lib/adapters/aws/table-definition';

/** Creates `tableName` without gsi2 and waits until it is ACTIVE. */
export async function createTableWithoutInbox(client: DynamoDBClient, tableName: string): Promise<void> {
  const definition = tableDefinition(tableName);
  await client.send(
    new CreateTableCommand({
      ...definition,
      AttributeDefinitions: definition.AttributeDefinitions?.filter((a) => !a.AttributeName?.startsWith('gsi2')),
      GlobalSecondaryIndexes: definition.GlobalSecondaryIndexes?.filter((index) => index.IndexName !== 'gsi2'),
    }),
  );
  while ((await client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.TableStatus !== 'ACTIVE') {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
