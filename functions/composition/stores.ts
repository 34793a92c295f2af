/**
 * The store on a DynamoDB client: the one place the Lambda functions and the local runtime build
 * it, so both always read and write the same items.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoStore } from '#lib/adapters/aws/dynamo-store';

export function composeStores(tableName: string, dynamo: DynamoDBClient) {
  const client = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  return { store: new DynamoStore({ tableName, client }) };
}
