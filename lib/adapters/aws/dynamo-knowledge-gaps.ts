/**
 * Knowledge gaps in the tenant's partition: the listed item `GAP#{createdAt}#{id}` (newest first)
 * and a marker `GAPID#{id}` that fixes the time a gap is listed under. Closing a gap moves it onto
 * its marker (with `closedAt`) and drops the listed item, so the list holds open gaps only and the
 * same gap recorded again (a retried generator) stays closed.
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { attempt, type DynamoContext, getRecord, putIfAbsent } from '#lib/adapters/aws/dynamo-context';
import { gapIdKey, gapKey } from '#lib/adapters/aws/dynamo-keys';
import type { KnowledgeGap } from '#lib/domain/knowledge/types';

type Marker = { createdAt: string } & Partial<KnowledgeGap>;

/**
 * Records a gap once per id. The listed item's key holds the time, so a gap recorded again later
 * would land elsewhere; the marker, written first, fixes the time the gap is listed under. A retry
 * after a crash between the two writes finds the marker and completes the listed item at the
 * marker's time; a closed gap's marker keeps it closed.
 */
export async function putGap(ctx: DynamoContext, gap: KnowledgeGap): Promise<void> {
  const marker = gapIdKey(gap.tenantId, gap.id);
  let createdAt = gap.createdAt;
  if (!(await putIfAbsent(ctx, { ...marker, createdAt }))) {
    const stored = await getRecord<Marker>(ctx, marker);
    if (stored?.closedAt !== undefined) return;
    createdAt = stored?.createdAt ?? createdAt;
  }
  await putIfAbsent(ctx, { ...gap, createdAt, ...gapKey(gap.tenantId, createdAt, gap.id) });
}

/** The gap, open or closed (with `closedAt`); undefined if there is none with this id. */
export async function getGap(ctx: DynamoContext, tenantId: string, gapId: string): Promise<KnowledgeGap | undefined> {
  const marker = await getRecord<Marker>(ctx, gapIdKey(tenantId, gapId));
  if (marker === undefined) return undefined;
  if (marker.closedAt !== undefined) return marker as KnowledgeGap;
  return getRecord<KnowledgeGap>(ctx, gapKey(tenantId, marker.createdAt, gapId));
}

/**
 * Closes an open gap: the gap is written onto its marker with `closedAt`, then its listed item is
 * deleted. A crash between the two leaves it closed but listed; closing it again finishes the job.
 */
export async function closeGap(ctx: DynamoContext, gap: KnowledgeGap, closedAt: string): Promise<void> {
  // The first close wins: closing again (a retry, a second answer) keeps when it was closed.
  await attempt(() =>
    ctx.client.send(
      new PutCommand({
        TableName: ctx.tableName,
        Item: { ...gap, closedAt: gap.closedAt ?? closedAt, ...gapIdKey(gap.tenantId, gap.id) },
        ConditionExpression: 'attribute_not_exists(closedAt)',
      }),
    ),
  );
  await ctx.client.send(
    new DeleteCommand({ TableName: ctx.tableName, Key: gapKey(gap.tenantId, gap.createdAt, gap.id) }),
  );
}

/**
 * Deletes the gap, open or closed. The marker says where the listed item is, so the listed item
 * goes first and the marker last: a retry after a crash between the two still finds it.
 */
export async function deleteGap(ctx: DynamoContext, tenantId: string, gapId: string): Promise<void> {
  const marker = gapIdKey(tenantId, gapId);
  const stored = await getRecord<Marker>(ctx, marker);
  if (stored === undefined) return;
  await ctx.client.send(
    new DeleteCommand({ TableName: ctx.tableName, Key: gapKey(tenantId, stored.createdAt, gapId) }),
  );
  await ctx.client.send(new DeleteCommand({ TableName: ctx.tableName, Key: marker }));
}
