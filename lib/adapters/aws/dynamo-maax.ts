/** The Maax-compatible API's message index: one small item per message in the tenant's partition. */
import { getRecord, putIfAbsent, DynamoTableAdapter } from '#lib/adapters/aws/dynamo-context';
import { deleteItem } from '#lib/adapters/aws/dynamo-tenant-items';
import { maaxMessageKey } from '#lib/adapters/aws/dynamo-keys';
import type { MaaxMessageRef, MaaxMessageStore } from '#lib/app/maax/message-store';

/** The Maax-compatible API's MaaxMessageStore on the single table. */
export class DynamoMaaxMessageStore extends DynamoTableAdapter implements MaaxMessageStore {
  /** Stores the reference unless one exists for the message id; a retried request finds it already there. */
  async putMaaxMessageRef(ref: MaaxMessageRef): Promise<void> {
    await putIfAbsent(this.ctx, { ...ref, ...maaxMessageKey(ref.tenantId, ref.messageId) });
  }

  async getMaaxMessageRef(tenantId: string, messageId: string): Promise<MaaxMessageRef | undefined> {
    return getRecord<MaaxMessageRef>(this.ctx, maaxMessageKey(tenantId, messageId));
  }

  async deleteMaaxMessageRef(tenantId: string, messageId: string): Promise<void> {
    await deleteItem(this.ctx, maaxMessageKey(tenantId, messageId));
  }
}
