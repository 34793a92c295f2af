/** AI setups in the single table: one item per AI in the tenant's partition. */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { attempt, getRecord, DynamoTableAdapter } from '#lib/adapters/aws/dynamo-context';
import { aiKey, PREFIX_AI } from '#lib/adapters/aws/dynamo-keys';
import { createItem, deleteItem, listTenantItems, replaceItem } from '#lib/adapters/aws/dynamo-tenant-items';
import type { Ai, Page, WebhookHealth } from '#lib/domain/types';
import type { PageRequest } from '#lib/ports/paging';
import type { AiStore } from '#lib/ports/ais';

/** The AiStore port on the single table. */
export class DynamoAiStore extends DynamoTableAdapter implements AiStore {
  /** Throws ConcurrencyError if an AI with this id exists. */
  async createAi(ai: Ai): Promise<void> {
    return createItem(this.ctx, aiKey(ai.tenantId, ai.id), ai, `AI ${ai.id}`);
  }

  async getAi(tenantId: string, aiId: string): Promise<Ai | undefined> {
    return getRecord<Ai>(this.ctx, aiKey(tenantId, aiId));
  }

  /** One page of the tenant's AIs in id (= creation) order; see listTenantItems. */
  async listAis(tenantId: string, page: PageRequest): Promise<Page<Ai>> {
    return listTenantItems<Ai>(this.ctx, tenantId, PREFIX_AI, page);
  }

  /** Replaces the AI; throws ConcurrencyError if it no longer exists. */
  async updateAi(ai: Ai): Promise<void> {
    return replaceItem(this.ctx, aiKey(ai.tenantId, ai.id), ai, `AI ${ai.id}`);
  }

  /** Returns false if there was nothing to delete. */
  async deleteAi(tenantId: string, aiId: string): Promise<boolean> {
    return deleteItem(this.ctx, aiKey(tenantId, aiId));
  }

  /**
   * Sets or clears only `webhookHealth` (UpdateItem), so a PATCH replacing the AI at the same time
   * loses nothing. Returns false, writing nothing, if the AI does not exist.
   */
  async recordWebhookHealth(tenantId: string, aiId: string, health: WebhookHealth | undefined): Promise<boolean> {
    return attempt(() =>
      this.ctx.client.send(
        new UpdateCommand({
          TableName: this.ctx.tableName,
          Key: aiKey(tenantId, aiId),
          ConditionExpression: 'attribute_exists(pk)',
          ...(health === undefined
            ? { UpdateExpression: 'REMOVE webhookHealth' }
            : { UpdateExpression: 'SET webhookHealth = :health', ExpressionAttributeValues: { ':health': health } }),
        }),
      ),
    );
  }
}
