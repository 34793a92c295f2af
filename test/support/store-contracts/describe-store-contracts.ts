/**
 * The behaviour every implementation of the store ports must have. The DynamoDB stores (against
 * dynalite) and the in-memory stores both run these suites, which is what lets use-case unit tests
 * trust the in-memory twins.
 */
import { describeAiStoreContract } from '#test/support/store-contracts/ai-store-contract';
import { describeConversationStoreContract } from '#test/support/store-contracts/conversation-store-contract';
import { describeDeliveryStoreContract } from '#test/support/store-contracts/delivery-store-contract';
import { describeInboxStoreContract } from '#test/support/store-contracts/inbox-store-contract';
import { describeErasureStoreContract } from '#test/support/store-contracts/erasure-store-contract';
import { describeIdempotencyStoreContract } from '#test/support/store-contracts/idempotency-store-contract';
import { describeKnowledgeDocumentStoreContract } from '#test/support/store-contracts/knowledge-document-store-contract';
import { describeKnowledgeFeedbackStoreContract } from '#test/support/store-contracts/knowledge-feedback-store-contract';
import { describeKnowledgeStoreContract } from '#test/support/store-contracts/knowledge-store-contract';
import { describeMaaxMessageStoreContract } from '#test/support/store-contracts/maax-message-store-contract';
import { describeMessageStoreContract } from '#test/support/store-contracts/message-store-contract';
import { describePendingWorkStoreContract } from '#test/support/store-contracts/pending-work-store-contract';
import { describeSetupStoreContract } from '#test/support/store-contracts/setup-store-contract';
import type { StoresSetup } from '#test/support/store-contracts/stores-under-test';
import { describeTenantStoreContract } from '#test/support/store-contracts/tenant-store-contract';
import { describeTestSetStoreContract } from '#test/support/store-contracts/test-set-store-contract';
import { describeTimerStoreContract } from '#test/support/store-contracts/timer-store-contract';

/** Runs every store port's contract against the stores `setup` makes, fresh for every test. */
export function describeStoreContracts(name: string, setup: StoresSetup): void {
  describe(name, () => {
    describeTenantStoreContract(setup);
    describeAiStoreContract(setup);
    describeSetupStoreContract(setup);
    describeConversationStoreContract(setup);
    describeMessageStoreContract(setup);
    describeInboxStoreContract(setup);
    describePendingWorkStoreContract(setup);
    describeTimerStoreContract(setup);
    describeDeliveryStoreContract(setup);
    describeMaaxMessageStoreContract(setup);
    describeIdempotencyStoreContract(setup);
    describeKnowledgeStoreContract(setup);
    describeKnowledgeDocumentStoreContract(setup);
    describeKnowledgeFeedbackStoreContract(setup);
    describeErasureStoreContract(setup);
    describeTestSetStoreContract(setup);
  });
}
