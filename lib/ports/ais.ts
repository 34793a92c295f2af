/** AI setups. */
import type { Ai, Page, WebhookHealth } from '#lib/domain/types';
import type { PageRequest } from '#lib/ports/paging';

export interface AiStore {
  /** Throws ConcurrencyError if an AI with this id exists. */
  createAi(ai: Ai): Promise<void>;
  getAi(tenantId: string, aiId: string): Promise<Ai | undefined>;
  /** Oldest first; the cursor is opaque to callers (and rejected with ValidationError if forged). */
  listAis(tenantId: string, page: PageRequest): Promise<Page<Ai>>;
  /** Replaces the AI; throws ConcurrencyError if it no longer exists. */
  updateAi(ai: Ai): Promise<void>;
  /** Returns false if there was nothing to delete. */
  deleteAi(tenantId: string, aiId: string): Promise<boolean>;
  /**
   * Sets (or, with undefined, clears) only the AI's `webhookHealth`, so it never races a PATCH
   * that replaces the rest. Returns false, writing nothing, if the AI does not exist.
   */
  recordWebhookHealth(tenantId: string, aiId: string, health: WebhookHealth | undefined): Promise<boolean>;
}
