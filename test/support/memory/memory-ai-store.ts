/** AiStore in memory. */
import { clone, key, listPage } from '#test/support/memory/memory-records';
import { ConcurrencyError } from '#lib/domain/errors';
import type { Ai, Page, WebhookHealth } from '#lib/domain/types';
import type { AiStore } from '#lib/ports/ais';
import type { PageRequest } from '#lib/ports/paging';

export class MemoryAiStore implements AiStore {
  private readonly ais = new Map<string, Ai>();

  async createAi(ai: Ai): Promise<void> {
    if (this.ais.has(key(ai.tenantId, ai.id))) throw new ConcurrencyError(`AI ${ai.id} already exists`);
    this.ais.set(key(ai.tenantId, ai.id), clone(ai));
  }
  async getAi(tenantId: string, aiId: string): Promise<Ai | undefined> {
    return clone(this.ais.get(key(tenantId, aiId)));
  }
  async listAis(tenantId: string, page: PageRequest): Promise<Page<Ai>> {
    return listPage(this.ais.values(), 'ai', tenantId, page);
  }
  async updateAi(ai: Ai): Promise<void> {
    if (!this.ais.has(key(ai.tenantId, ai.id))) throw new ConcurrencyError(`AI ${ai.id} no longer exists`);
    this.ais.set(key(ai.tenantId, ai.id), clone(ai));
  }
  async deleteAi(tenantId: string, aiId: string): Promise<boolean> {
    return this.ais.delete(key(tenantId, aiId));
  }
  async recordWebhookHealth(tenantId: string, aiId: string, health: WebhookHealth | undefined): Promise<boolean> {
    const ai = this.ais.get(key(tenantId, aiId));
    if (ai === undefined) return false;
    if (health === undefined) delete ai.webhookHealth;
    else ai.webhookHealth = clone(health);
    return true;
  }
}
