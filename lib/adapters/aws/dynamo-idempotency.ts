/**
 * Idempotency-Key records in the tenant's partition, with a `ttl` attribute for DynamoDB TTL. TTL
 * deletes late (hours) and dynalite never does, so expiry is decided by `expiresAt` on every read.
 */
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { attempt, getRecord, putIfAbsent, DynamoTableAdapter } from '#lib/adapters/aws/dynamo-context';
import { idempotencyKey, idempotencyResourceKey } from '#lib/adapters/aws/dynamo-keys';
import { deleteItem } from '#lib/adapters/aws/dynamo-tenant-items';
import { TABLE_KEYS } from '#lib/adapters/aws/table-definition';
import { ConcurrencyError } from '#lib/domain/errors';
import type { IdempotencyRecord } from '#lib/domain/types';
import type { IdempotencyStore } from '#lib/ports/idempotency';

/** A claim can lose a race to a record that then expires before it is read; retry that a few times. */
const MAX_CLAIM_TRIES = 3;

/** The IdempotencyStore port on the single table. */
export class DynamoIdempotencyStore extends DynamoTableAdapter implements IdempotencyStore {
  /**
   * Claims the key: undefined if the claim is new, else the unexpired record stored earlier. An
   * expired record is overwritten by the same conditional put that guards against a live one.
   */
  async claimIdempotencyKey(record: IdempotencyRecord, now: string): Promise<IdempotencyRecord | undefined> {
    const key = idempotencyKey(record.tenantId, record.key);
    const item = {
      ...record,
      ...key,
      [TABLE_KEYS.timeToLive]: Math.floor(Date.parse(record.expiresAt) / 1000),
    };
    // The way back from the reserved id to the key goes first: a crash after it leaves a pointer
    // that expires with the claim, never a record that erasure cannot find.
    await this.ctx.client.send(
      new PutCommand({
        TableName: this.ctx.tableName,
        Item: {
          ...idempotencyResourceKey(record.tenantId, record.resourceId),
          key: record.key,
          [TABLE_KEYS.timeToLive]: item[TABLE_KEYS.timeToLive],
        },
      }),
    );
    for (let tries = 0; tries < MAX_CLAIM_TRIES; tries++) {
      const claimed = await putIfAbsent(this.ctx, item, {
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
        ExpressionAttributeValues: { ':now': now },
      });
      if (claimed) return undefined;
      const stored = await getRecord<IdempotencyRecord>(this.ctx, key);
      if (stored !== undefined && stored.expiresAt > now) return stored;
    }
    throw new ConcurrencyError('an Idempotency-Key kept changing while being claimed');
  }

  /**
   * Stores the response of a claimed request. Throws ConcurrencyError if the record is gone (TTL
   * removed it), since then a replay could no longer be answered from it.
   */
  async completeIdempotencyKey(
    tenantId: string,
    key: string,
    response: { statusCode: number; body: unknown },
  ): Promise<void> {
    const completed = await attempt(() =>
      this.ctx.client.send(
        new UpdateCommand({
          TableName: this.ctx.tableName,
          Key: idempotencyKey(tenantId, key),
          UpdateExpression: 'SET #status = :completed, #response = :response',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status', '#response': 'response' },
          ExpressionAttributeValues: { ':completed': 'completed', ':response': response },
        }),
      ),
    );
    if (!completed) throw new ConcurrencyError('a completed Idempotency-Key does not exist');
  }

  /** The record first, then the pointer to it, so a retry after a crash still finds the record. */
  async forgetIdempotencyKeyOf(tenantId: string, resourceId: string): Promise<void> {
    const pointer = idempotencyResourceKey(tenantId, resourceId);
    const found = await getRecord<{ key: string }>(this.ctx, pointer);
    if (found === undefined) return;
    await deleteItem(this.ctx, idempotencyKey(tenantId, found.key));
    await deleteItem(this.ctx, pointer);
  }

  /** Deletes a claim that is still pending; a completed record, or none, is left as it is. */
  async releaseIdempotencyKey(tenantId: string, key: string): Promise<void> {
    await attempt(() =>
      this.ctx.client.send(
        new DeleteCommand({
          TableName: this.ctx.tableName,
          Key: idempotencyKey(tenantId, key),
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending' },
        }),
      ),
    );
  }
}
