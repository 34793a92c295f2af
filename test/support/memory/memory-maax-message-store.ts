/** The Maax-compatible API's MaaxMessageStore in memory. */
import { clone, insertIfAbsent, key } from '#test/support/memory/memory-records';
import type { MaaxMessageRef, MaaxMessageStore } from '#lib/app/maax/message-store';

export class MemoryMaaxMessageStore implements MaaxMessageStore {
  private readonly maaxMessages = new Map<string, MaaxMessageRef>();

  async putMaaxMessageRef(ref: MaaxMessageRef): Promise<void> {
    insertIfAbsent(this.maaxMessages, key(ref.tenantId, ref.messageId), ref);
  }
  async getMaaxMessageRef(tenantId: string, messageId: string): Promise<MaaxMessageRef | undefined> {
    return clone(this.maaxMessages.get(key(tenantId, messageId)));
  }
  async deleteMaaxMessageRef(tenantId: string, messageId: string): Promise<void> {
    this.maaxMessages.delete(key(tenantId, messageId));
  }
}
