/**
 * Webhook deliveries in the tenant's partition. A pending delivery sits in the pending index,
 * waiting since its next attempt is due; a lease attribute keeps two workers from sending at once.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  attempt,
  type DynamoContext,
  getRecord,
  isConditionFailed,
  putIfAbsent,
} from '#lib/adapters/aws/dynamo-context';
import { deliveryKey, toRecord } from '#lib/adapters/aws/dynamo-keys';
import { pendingDeliveryAttributes } from '#lib/adapters/aws/dynamo-pending';
import { ConcurrencyError } from '#lib/domain/errors';
import type { Delivery } from '#lib/domain/types';
import type { DeliveryStore } from '#lib/ports';

type AttemptResult = Parameters<DeliveryStore['recordAttempt']>[2];

/** Stores the delivery unless one with its id exists; returns false if it existed. */
export function createDelivery(ctx: DynamoContext, delivery: Delivery): Promise<boolean> {
  return putIfAbsent(ctx, {
    ...delivery,
    ...deliveryKey(delivery.tenantId, delivery.id),
    ...(delivery.status === 'pending' ? pendingDeliveryAttributes(delivery.id, delivery.nextAttemptAt) : {}),
  });
}

export function getDelivery(ctx: DynamoContext, tenantId: string, deliveryId: string): Promise<Delivery | undefined> {
  return getRecord<Delivery>(ctx, deliveryKey(tenantId, deliveryId));
}

/**
 * Takes the send lease of a pending delivery whose lease (if any) has run out by `now`. Returns the
 * delivery as leased, or undefined if it is missing, no longer pending or leased by someone else.
 */
export async function leaseDelivery(
  ctx: DynamoContext,
  tenantId: string,
  deliveryId: string,
  now: string,
  leaseUntil: string,
): Promise<Delivery | undefined> {
  try {
    const output = await ctx.client.send(
      new UpdateCommand({
        TableName: ctx.tableName,
        Key: deliveryKey(tenantId, deliveryId),
        UpdateExpression: 'SET leaseUntil = :leaseUntil',
        ConditionExpression: '#status = :pending AND (attribute_not_exists(leaseUntil) OR leaseUntil <= :now)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':leaseUntil': leaseUntil, ':pending': 'pending', ':now': now },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return output.Attributes === undefined ? undefined : toRecord<Delivery>(output.Attributes);
  } catch (error) {
    if (isConditionFailed(error)) return undefined;
    throw error;
  }
}

/**
 * Records an attempt and releases the lease. `lastStatusCode` and `lastError` describe this attempt,
 * so one left undefined is removed rather than kept from an earlier attempt. A delivery still
 * pending moves in the pending index to its next attempt time; a final one leaves the index.
 * Throws ConcurrencyError if the delivery does not exist (an update would otherwise create a stub).
 */
export async function recordAttempt(
  ctx: DynamoContext,
  tenantId: string,
  deliveryId: string,
  result: AttemptResult,
): Promise<void> {
  const fields: Record<string, unknown> = {
    status: result.status,
    attempts: result.attempts,
    nextAttemptAt: result.nextAttemptAt,
    updatedAt: result.updatedAt,
    lastStatusCode: result.lastStatusCode,
    lastError: result.lastError,
    ...(result.status === 'pending' ? pendingDeliveryAttributes(deliveryId, result.nextAttemptAt) : {}),
  };
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  const removes = ['leaseUntil'];
  Object.entries(fields).forEach(([field, value], index) => {
    if (value === undefined) {
      removes.push(field);
      return;
    }
    names[`#f${index}`] = field;
    values[`:v${index}`] = value;
    sets.push(`#f${index} = :v${index}`);
  });
  if (result.status !== 'pending') removes.push('gsi1pk', 'gsi1sk');
  const updated = await attempt(() =>
    ctx.client.send(
      new UpdateCommand({
        TableName: ctx.tableName,
        Key: deliveryKey(tenantId, deliveryId),
        UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    ),
  );
  if (!updated) throw new ConcurrencyError(`Delivery ${deliveryId} does not exist`);
}
