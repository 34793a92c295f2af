/** The Maax-compatible API's message index: one small item per message in the tenant's partition. */
import { type DynamoContext, getRecord, putIfAbsent } from '#lib/adapters/aws/dynamo-context';
import { maaxMessageKey } from '#lib/adapters/aws/dynamo-keys';
import type { MaaxMessageRef } from '#lib/domain/types';

/** Stores the reference unless one exists for the message id; a retried request finds it already there. */
export async function putMaaxMessageRef(ctx: DynamoContext, ref: MaaxMessageRef): Promise<void> {
  await putIfAbsent(ctx, { ...ref, ...maaxMessageKey(ref.tenantId, ref.messageId) });
}

export function getMaaxMessageRef(
  ctx: DynamoContext,
  tenantId: string,
  messageId: string,
): Promise<MaaxMessageRef | undefined> {
  return getRecord<MaaxMessageRef>(ctx, maaxMessageKey(tenantId, messageId));
}
