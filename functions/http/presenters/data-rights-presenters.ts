/** A conversation's export and the account settings → the contract's snake_case JSON. */
import type { z } from 'zod';
import type { ConversationExport } from '#lib/app/export-conversation';
import type { Tenant } from '#lib/domain/types';
import type { accountResponse, conversationExportResponse } from '#functions/http/data-rights-schemas';
import { compact } from '#functions/http/presenters/compact';
import { presentConversation } from '#functions/http/presenters/conversation-presenters';
import { presentDelivery } from '#functions/http/presenters/delivery-presenters';
import { presentTestCase } from '#functions/http/presenters/test-set-presenters';

export function presentAccount(tenant: Tenant): z.output<typeof accountResponse> {
  return { name: tenant.name, data_retention_days: tenant.dataRetentionDays ?? null };
}

/** Everything held on the conversation; a delivery's body is parsed back into the JSON it was sent as. */
export function presentExport(exported: ConversationExport): z.output<typeof conversationExportResponse> {
  const { conversation, messages, deliveries, testCases } = exported;
  const base = presentConversation({ conversation, messages });
  return {
    conversation: {
      ...base,
      metadata: conversation.metadata,
      messages: base.messages.map((m, index) => {
        const stored = messages[index];
        return compact({ ...m, feedback: stored?.feedback, answer: stored?.answer, metadata: stored?.metadata });
      }),
    },
    deliveries: deliveries.map((d) => ({ ...presentDelivery(d), body: parseBody(d.payload) })),
    test_cases: testCases.map((copy) => ({
      ai_id: copy.aiId,
      set_id: copy.setId,
      set_name: copy.setName,
      case: presentTestCase(copy.case),
    })),
  };
}

function parseBody(payload: string): unknown {
  if (payload === '') return null;
  try {
    return JSON.parse(payload);
  } catch {
    return payload;
  }
}
