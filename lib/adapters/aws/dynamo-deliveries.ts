/**
 * Webhook deliveries in the tenant's partition. A pending delivery sits in the pending index,
 * waiting since its next attempt is due; a lease attribute keeps two workers from sending at once.
 */
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  attempt,
  getRecord,
  type Item,
  isConditionFailed,
  putIfAbsent,
  DynamoTableAdapter,
} from '#lib/adapters/aws/dynamo-context';
import {
  decodeCursor,
  deliveryKey,
  encodeCursor,
  PREFIX_DELIVERY,
  sendSlotKey,
  tenantPk,
  toRecord,
} from '#lib/adapters/aws/dynamo-keys';
import { pendingDeliveryAttributes } from '#lib/adapters/aws/dynamo-pending';
import { assertPageLimit } from '#lib/adapters/aws/dynamo-tenant-items';
import { TABLE_KEYS } from '#lib/adapters/aws/table-definition';
import { ConcurrencyError } from '#lib/domain/errors';
import { RATE_COUNTER_TTL_SECONDS } from '#lib/domain/limits/http';
import type { Delivery, DeliveryStatus, Page } from '#lib/domain/types';
import type { DeliveryStore } from '#lib/ports/deliveries';
import type { PageRequest } from '#lib/ports/paging';

/** The DeliveryStore port on the single table. */
export class DynamoDeliveryStore extends DynamoTableAdapter implements DeliveryStore {
  /** Stores the delivery unless one with its id exists; returns false if it existed. */
  async createDelivery(delivery: Delivery): Promise<boolean> {
    return putIfAbsent(this.ctx, {
      ...delivery,
      ...deliveryKey(delivery.tenantId, delivery.id),
      ...(delivery.status === 'pending' ? pendingDeliveryAttributes(delivery.id, delivery.nextAttemptAt) : {}),
    });
  }

  async getDelivery(tenantId: string, deliveryId: string): Promise<Delivery | undefined> {
    return getRecord<Delivery>(this.ctx, deliveryKey(tenantId, deliveryId));
  }

  /**
   * Takes the send lease of a pending delivery whose lease (if any) has run out by `now`. Returns the
   * delivery as leased, or undefined if it is missing, no longer pending or leased by someone else.
   */
  async leaseDelivery(
    tenantId: string,
    deliveryId: string,
    now: string,
    leaseUntil: string,
  ): Promise<Delivery | undefined> {
    try {
      const output = await this.ctx.client.send(
        new UpdateCommand({
          TableName: this.ctx.tableName,
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
  async recordAttempt(
    tenantId: string,
    deliveryId: string,
    result: Parameters<DeliveryStore['recordAttempt']>[2],
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
      this.ctx.client.send(
        new UpdateCommand({
          TableName: this.ctx.tableName,
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

  /**
   * One page of the tenant's deliveries, newest first (ids are time-ordered), only those with
   * `status` when given. The filter is applied after Limit, so it reads on until the page (plus one,
   * to know whether anything follows) is full or the partition ends. Cursors as in listTenantItems.
   */
  async listDeliveries(tenantId: string, page: PageRequest, status?: DeliveryStatus): Promise<Page<Delivery>> {
    assertPageLimit(page.limit);
    const pk = tenantPk(tenantId);
    const wanted = page.limit + 1;
    const items: Item[] = [];
    let startKey: Item | undefined =
      page.cursor === undefined ? undefined : { ...decodeCursor(page.cursor, pk, PREFIX_DELIVERY) };
    do {
      const output = await this.ctx.client.send(
        new QueryCommand({
          TableName: this.ctx.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ...(status === undefined
            ? { ExpressionAttributeValues: { ':pk': pk, ':prefix': PREFIX_DELIVERY } }
            : {
                FilterExpression: '#status = :status',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':pk': pk, ':prefix': PREFIX_DELIVERY, ':status': status },
              }),
          ConsistentRead: true,
          ScanIndexForward: false,
          Limit: status === undefined ? wanted - items.length : Math.max(wanted - items.length, FILTERED_QUERY_BATCH),
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(output.Items ?? []));
      startKey = output.LastEvaluatedKey;
    } while (startKey !== undefined && items.length < wanted);
    const pageItems = items.slice(0, page.limit);
    const last = pageItems.at(-1);
    return {
      items: pageItems.map((item) => toRecord<Delivery>(item)),
      nextCursor: items.length > page.limit && last !== undefined ? encodeCursor({ pk, sk: String(last.sk) }) : null,
    };
  }

  /**
   * Makes a failed delivery pending again, due at `at`, back in the pending index; the schedule
   * restarts from its attempts so far (`attemptsBeforeRetry`). Undefined if it is missing or not failed.
   */
  async retryFailedDelivery(tenantId: string, deliveryId: string, at: string): Promise<Delivery | undefined> {
    const index = pendingDeliveryAttributes(deliveryId, at);
    try {
      const output = await this.ctx.client.send(
        new UpdateCommand({
          TableName: this.ctx.tableName,
          Key: deliveryKey(tenantId, deliveryId),
          UpdateExpression:
            'SET #status = :pending, attemptsBeforeRetry = attempts, nextAttemptAt = :at, updatedAt = :at, ' +
            '#gpk = :gpk, #gsk = :gsk REMOVE leaseUntil',
          ConditionExpression: '#status = :failed AND attribute_not_exists(erasedAt)',
          ExpressionAttributeNames: {
            '#status': 'status',
            '#gpk': TABLE_KEYS.gsi1.partitionKey,
            '#gsk': TABLE_KEYS.gsi1.sortKey,
          },
          ExpressionAttributeValues: {
            ':pending': 'pending',
            ':failed': 'failed',
            ':at': at,
            ':gpk': index[TABLE_KEYS.gsi1.partitionKey],
            ':gsk': index[TABLE_KEYS.gsi1.sortKey],
          },
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
   * Empties the body and, from a pending delivery, the pending index entry and the lease: one
   * UpdateItem, conditional on the item existing so an erasure never creates a bare delivery.
   */
  async eraseDelivery(tenantId: string, deliveryId: string, at: string): Promise<void> {
    const stored = await this.getDelivery(tenantId, deliveryId);
    if (stored === undefined) return;
    const stop = stored.status === 'pending' ? ', #status = :failed, lastError = :erased' : '';
    await attempt(() =>
      this.ctx.client.send(
        new UpdateCommand({
          TableName: this.ctx.tableName,
          Key: deliveryKey(tenantId, deliveryId),
          UpdateExpression: `SET erasedAt = :at, updatedAt = :at, payload = :empty${stop} REMOVE leaseUntil, #gpk, #gsk`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: {
            '#gpk': TABLE_KEYS.gsi1.partitionKey,
            '#gsk': TABLE_KEYS.gsi1.sortKey,
            ...(stop === '' ? {} : { '#status': 'status' }),
          },
          ExpressionAttributeValues: {
            ':at': at,
            ':empty': '',
            ...(stop === '' ? {} : { ':failed': 'failed', ':erased': ERASED }),
          },
        }),
      ),
    );
  }

  /**
   * Counts one send to an endpoint in a second, unless `limit` are counted already: one conditional
   * UpdateItem on `RATE#ENDPOINT#{endpoint}#{second}`, which DynamoDB TTL removes afterwards.
   */
  async takeSendSlot(tenantId: string, endpointKey: string, second: string, limit: number): Promise<boolean> {
    const expiresAt = Math.floor(Date.parse(second) / 1000) + RATE_COUNTER_TTL_SECONDS;
    return attempt(() =>
      this.ctx.client.send(
        new UpdateCommand({
          TableName: this.ctx.tableName,
          Key: sendSlotKey(tenantId, endpointKey, second),
          UpdateExpression: 'ADD #count :one SET #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
          ExpressionAttributeNames: { '#count': 'count', '#ttl': TABLE_KEYS.timeToLive },
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':ttl': expiresAt },
        }),
      ),
    );
  }
}

/** Why an erased delivery that was still pending is failed. */
const ERASED = 'conversation erased';

/** Items a filtered Query reads per request: its Limit counts items before the status filter. */
const FILTERED_QUERY_BATCH = 100;
