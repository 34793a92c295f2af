/** AIs → the contract's snake_case JSON. */
import type { z } from 'zod';
import { resolveEmergencySettings } from '#lib/domain/follow-up-policy';
import type { Ai } from '#lib/domain/types';
import type { aiResponse, aiWithSecretResponse } from '#functions/http/ai-schemas';
import { compact } from '#functions/http/presenters/compact';
import { presentEmergency, presentFollowUp } from '#functions/http/presenters/follow-up-presenters';

/** An AI as clients see it: never with its webhook secret. */
export function presentAi(ai: Ai): z.output<typeof aiResponse> {
  return compact({
    id: ai.id,
    type: ai.type,
    name: ai.name,
    instructions: ai.instructions,
    language: ai.language,
    webhooks: compact({
      answer_url: ai.webhooks.answerUrl,
      follow_up_url: ai.webhooks.followUpUrl,
      emergency_url: ai.webhooks.emergencyUrl,
    }),
    output_format: ai.outputFormat,
    reply_delay_seconds: ai.replyDelaySeconds,
    product_id: ai.productId,
    strategy_id: ai.strategyId,
    goal_id: ai.goalId,
    knowledge_base_ids: ai.knowledgeBaseIds ?? [],
    follow_up: ai.followUp ? presentFollowUp(ai.followUp) : undefined,
    emergency: presentEmergency(resolveEmergencySettings(ai)),
    webhook_health: ai.webhookHealth
      ? { failing_since: ai.webhookHealth.failingSince, last_failure_at: ai.webhookHealth.lastFailureAt }
      : undefined,
    created_at: ai.createdAt,
    updated_at: ai.updatedAt,
  });
}

/** An AI just created or given a new secret: the only time its webhook secret is shown. */
export function presentAiWithSecret(issued: { ai: Ai; webhookSecret: string }): z.output<typeof aiWithSecretResponse> {
  return { ...presentAi(issued.ai), webhook_secret: issued.webhookSecret };
}
