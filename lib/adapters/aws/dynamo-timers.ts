/**
 * The local scheduler's timers (TimerStore) in the single table. A timer lives in its tenant's
 * partition (`T#{tenant}` / `TIMER#{name}`) and, for listing across tenants by due time, in the
 * sparse gsi1 partitions `TIMERS#{shard}` sorted by `{at}#{name}` (sharded like the pending index,
 * with the same hash of the name, so no one index partition takes every write).
 *
 * gsi1 projects only a few attributes (GSI1_PROJECTED_ATTRIBUTES), and changing a projection
 * replaces the index, so the payload is not read from the index: listTimers finds the soonest keys
 * there and reads the records themselves with BatchGetItem. That costs one more request per
 * hundred timers, only when the local runner starts, and keeps the index entry small and the
 * payload free to grow without a key format to keep in step.
 */
import { BatchGetCommand, type BatchGetCommandOutput, DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type DynamoContext, type Item, DynamoTableAdapter } from '#lib/adapters/aws/dynamo-context';
import { type ItemKey, pendingShard, tenantPk, toRecord } from '#lib/adapters/aws/dynamo-keys';
import { soonestAcrossShards } from '#lib/adapters/aws/dynamo-pending';
import { TABLE_KEYS } from '#lib/adapters/aws/table-definition';
import type { TimerRecord } from '#lib/ports/timers';
import type { TimerStore } from '#lib/ports/timers';

const { partitionKey: GSI_PK, sortKey: GSI_SK } = TABLE_KEYS.gsi1;

/** BatchGetItem's limit on keys per request. */
const BATCH_GET_MAX_KEYS = 100;
const PREFIX_TIMER = 'TIMER#';

export const timerKey = (tenantId: string, name: string): ItemKey => ({
  pk: tenantPk(tenantId),
  sk: PREFIX_TIMER + name,
});

const timersPk = (shard: number): string => `TIMERS#${shard}`;

/**
 * Index sort key: the due time first, so `< before` selects exactly the timers due before the
 * cutoff (the `#` makes a timer due at the cutoff itself sort after it). `at` must be a
 * `toISOString()` time, so that text order is time order.
 */
const timerSortKey = (timer: TimerRecord): string => `${timer.at}#${timer.name}`;

/** The TimerStore port on the single table. */
export class DynamoTimerStore extends DynamoTableAdapter implements TimerStore {
  /** Creates or replaces the timer, in the partition of the payload's tenant. */
  async putTimer(timer: TimerRecord): Promise<void> {
    await this.ctx.client.send(
      new PutCommand({
        TableName: this.ctx.tableName,
        Item: {
          ...timer,
          ...timerKey(timer.payload.tenantId, timer.name),
          [GSI_PK]: timersPk(pendingShard(timer.name)),
          [GSI_SK]: timerSortKey(timer),
        },
      }),
    );
  }

  /** Deletes the timer; fine if it does not exist. */
  async deleteTimer(tenantId: string, name: string): Promise<void> {
    await this.ctx.client.send(new DeleteCommand({ TableName: this.ctx.tableName, Key: timerKey(tenantId, name) }));
  }

  /**
   * Timers due before `before`, soonest first (ties by name), across all tenants. Each shard is
   * sorted, so the soonest `limit` overall are among the soonest `limit` of each: query each for
   * that many, merge, then read those records. A timer deleted or moved between the two reads is
   * left out or shown as it is now, as a later list would show it.
   */
  async listTimers(before: string, limit: number): Promise<TimerRecord[]> {
    const soonest = (await soonestAcrossShards(this.ctx, timersPk, before, limit)).map(
      (item): ItemKey => ({ pk: String(item.pk), sk: String(item.sk) }),
    );
    const records = (await batchGet(this.ctx, soonest)).map((item) => toRecord<TimerRecord>(item));
    return records.filter((timer) => timer.at < before).sort((a, b) => compare(timerSortKey(a), timerSortKey(b)));
  }
}

/** The items with these keys that exist, in no particular order, retrying unprocessed keys. */
async function batchGet(ctx: DynamoContext, keys: ItemKey[]): Promise<Item[]> {
  const items: Item[] = [];
  for (let start = 0; start < keys.length; start += BATCH_GET_MAX_KEYS) {
    let pending: Item[] | undefined = keys.slice(start, start + BATCH_GET_MAX_KEYS).map((key) => ({ ...key }));
    for (let round = 0; pending !== undefined && pending.length > 0; round++) {
      if (round > 0) await sleep(Math.min(1000, 25 * 2 ** round));
      const output: BatchGetCommandOutput = await ctx.client.send(
        new BatchGetCommand({ RequestItems: { [ctx.tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      items.push(...(output.Responses?.[ctx.tableName] ?? []));
      pending = output.UnprocessedKeys?.[ctx.tableName]?.Keys;
    }
  }
  return items;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Code-unit order, which is how DynamoDB orders string keys.
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
