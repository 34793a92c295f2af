/**
 * The stores on a DynamoDB client: the one place the Lambda functions and the local runtime build
 * them, so both always read and write the same items.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient, createDynamoStores } from '#lib/adapters/aws/dynamo-stores';

export function composeStores(tableName: string, dynamo: DynamoDBClient) {
  return createDynamoStores({ tableName, client: createDocumentClient(dynamo) });
}
