/**
 * A page of a filtered Scan of the whole table, for the one-off migrations that must look across
 * tenants (the inbox backfill, the knowledge re-index): the only places Parley reads the table so.
 * `page.limit` bounds the items read (DynamoDB's Scan Limit), not the items matched, so a page may
 * be short or empty with a cursor to read on.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoContext, Item } from '#lib/adapters/aws/dynamo-context';
import { encodeCursor } from '#lib/adapters/aws/dynamo-keys';
import { assertPageLimit } from '#lib/adapters/aws/dynamo-tenant-items';
import { ValidationError } from '#lib/domain/errors';
import type { Page } from '#lib/domain/types';
import type { PageRequest } from '#lib/ports/paging';

export interface ScanFilter {
  filter: string;
  projection: string;
  names?: Record<string, string>;
  values: Record<string, unknown>;
}

export async function scanPage(ctx: DynamoContext, page: PageRequest, scan: ScanFilter): Promise<Page<Item>> {
  assertPageLimit(page.limit);
  const output = await ctx.client.send(
    new ScanCommand({
      TableName: ctx.tableName,
      FilterExpression: scan.filter,
      ProjectionExpression: scan.projection,
      ...(scan.names ? { ExpressionAttributeNames: scan.names } : {}),
      ExpressionAttributeValues: scan.values,
      Limit: page.limit,
      ...(page.cursor === undefined ? {} : { ExclusiveStartKey: decodeScanCursor(page.cursor) }),
    }),
  );
  return {
    items: output.Items ?? [],
    nextCursor:
      output.LastEvaluatedKey === undefined
        ? null
        : encodeCursor({ pk: String(output.LastEvaluatedKey.pk), sk: String(output.LastEvaluatedKey.sk) }),
  };
}

function decodeScanCursor(cursor: string): Item {
  const parsed: unknown = (() => {
    try {
      return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
  })();
  if (typeof parsed === 'object' && parsed !== null && 'pk' in parsed && 'sk' in parsed) {
    return { pk: String(parsed.pk), sk: String(parsed.sk) };
  }
  throw new ValidationError('Invalid cursor', { details: [{ path: 'cursor', message: 'is not a migration cursor' }] });
}
