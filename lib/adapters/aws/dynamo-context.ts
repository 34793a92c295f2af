/**
 * What every part of the DynamoDB store shares: the client, the table name and a few helpers for
 * the patterns they all use (consistent get, conditional write, full query).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { type ItemKey, toRecord } from '#lib/adapters/aws/dynamo-keys';

export interface DynamoContext {
  client: DynamoDBDocumentClient;
  tableName: string;
}

export type Item = Record<string, unknown>;

/** What every store adapter on the table holds: the shared client and table name. */
export abstract class DynamoTableAdapter {
  constructor(protected readonly ctx: DynamoContext) {}
}

/** True when a conditional write was refused because its condition did not hold. */
export function isConditionFailed(error: unknown): boolean {
  // `name` as well as the class: the class identity differs when two SDK copies are bundled.
  return (
    error instanceof ConditionalCheckFailedException ||
    (error instanceof Error && error.name === 'ConditionalCheckFailedException')
  );
}

/**
 * Runs a conditional write; resolves true if it was applied, false if its condition failed. Any
 * other failure propagates.
 */
export async function attempt(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** Strongly consistent read of one record, without the key attributes. */
export async function getRecord<T>(ctx: DynamoContext, key: ItemKey): Promise<T | undefined> {
  const output = await ctx.client.send(new GetCommand({ TableName: ctx.tableName, Key: key, ConsistentRead: true }));
  return output.Item === undefined ? undefined : toRecord<T>(output.Item);
}

/** Puts the item only if no item with its key exists; false if one did. */
export function putIfAbsent(ctx: DynamoContext, item: Item, extra?: Partial<PutCommandInput>): Promise<boolean> {
  return attempt(() =>
    ctx.client.send(
      new PutCommand({
        TableName: ctx.tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk)',
        ...extra,
      }),
    ),
  );
}

/** Every item a query matches, following LastEvaluatedKey through all pages. */
export async function queryAll(ctx: DynamoContext, input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const output = await ctx.client.send(
      new QueryCommand({ ...input, TableName: ctx.tableName, ExclusiveStartKey: startKey }),
    );
    items.push(...(output.Items ?? []));
    startKey = output.LastEvaluatedKey;
  } while (startKey !== undefined);
  return items;
}

/**
 * Up to `limit` items of a query, in index order, following pages only as far as needed (a page can
 * stop short of its Limit at 1 MB).
 */
export async function queryUpTo(
  ctx: DynamoContext,
  input: Omit<QueryCommandInput, 'TableName' | 'Limit'>,
  limit: number,
): Promise<Item[]> {
  const items: Item[] = [];
  let startKey = input.ExclusiveStartKey;
  do {
    const output = await ctx.client.send(
      new QueryCommand({
        ...input,
        TableName: ctx.tableName,
        Limit: limit - items.length,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(output.Items ?? []));
    startKey = output.LastEvaluatedKey;
  } while (startKey !== undefined && items.length < limit);
  return items;
}
