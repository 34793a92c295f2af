/** Every store port in memory, under the keys of `Deps`, for unit tests of use cases. */
import type { Stores } from '#lib/app/deps';
import { MemoryAiStore } from '#test/support/memory/memory-ai-store';
import { MemoryConversationStore } from '#test/support/memory/memory-conversation-store';
import { MemoryDeliveryStore } from '#test/support/memory/memory-delivery-store';
import { MemoryIdempotencyStore } from '#test/support/memory/memory-idempotency-store';
import { MemoryKnowledgeStore } from '#test/support/memory/memory-knowledge-store';
import { MemoryMaaxMessageStore } from '#test/support/memory/memory-maax-message-store';
import { MemoryMigrationStore } from '#test/support/memory/memory-migration-store';
import { MemoryPendingWorkStore } from '#test/support/memory/memory-pending-work-store';
import { MemorySetupStore } from '#test/support/memory/memory-setup-store';
import { MemoryTenantStore } from '#test/support/memory/memory-tenant-store';
import { MemoryTestSetStore } from '#test/support/memory/memory-test-set-store';
import { MemoryTimerStore } from '#test/support/memory/memory-timer-store';

export interface MemoryStores extends Stores {
  tenants: MemoryTenantStore;
  ais: MemoryAiStore;
  setup: MemorySetupStore;
  conversations: MemoryConversationStore;
  deliveries: MemoryDeliveryStore;
  timerStore: MemoryTimerStore;
  knowledge: MemoryKnowledgeStore;
  idempotency: MemoryIdempotencyStore;
  pendingWork: MemoryPendingWorkStore;
  maaxMessages: MemoryMaaxMessageStore;
  migrations: MemoryMigrationStore;
  testSets: MemoryTestSetStore;
}

/** Fresh, empty stores; the pending-work list reads the conversation, delivery and knowledge stores. */
export function createMemoryStores(): MemoryStores {
  const conversations = new MemoryConversationStore();
  const deliveries = new MemoryDeliveryStore();
  const knowledge = new MemoryKnowledgeStore();
  return {
    tenants: new MemoryTenantStore(),
    ais: new MemoryAiStore(),
    setup: new MemorySetupStore(),
    conversations,
    deliveries,
    timerStore: new MemoryTimerStore(),
    knowledge,
    idempotency: new MemoryIdempotencyStore(),
    pendingWork: new MemoryPendingWorkStore([conversations, deliveries, knowledge]),
    maaxMessages: new MemoryMaaxMessageStore(),
    migrations: new MemoryMigrationStore(),
    testSets: new MemoryTestSetStore(),
  };
}
