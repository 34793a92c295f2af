/** Creating, reading, changing and removing AIs. */
import { NotFoundError, ValidationError } from '#lib/domain/errors';
import type { Ai, AiType, EmergencySettings, FollowUpSettings, OutputFormat, Page } from '#lib/domain/types';
import { checkWebhookUrl } from '#lib/domain/webhook-url';
import type { PageRequest } from '#lib/ports/paging';
import type { Deps } from '#lib/app/deps';
import { applyPatch } from '#lib/app/patch';
import { assertKnowledgeBaseReferences } from '#lib/app/knowledge/knowledge-bases';
import { assertSetupReferences } from '#lib/app/setup';

/** What a client sets on an AI: its record without the ids, signing secret, health and times Parley keeps. */
export type AiSettings = Omit<Ai, 'tenantId' | 'id' | 'webhookSecret' | 'webhookHealth' | 'createdAt' | 'updatedAt'>;

/** A PATCH: fields left out stay as they are; `null` clears an optional field. */
export interface AiChanges {
  type?: AiType;
  name?: string;
  instructions?: string | null;
  language?: string | null;
  webhooks?: { answerUrl?: string; followUpUrl?: string | null; emergencyUrl?: string | null };
  outputFormat?: OutputFormat;
  replyDelaySeconds?: number;
  productId?: string | null;
  strategyId?: string | null;
  goalId?: string | null;
  knowledgeBaseIds?: string[];
  followUp?: FollowUpSettings | null;
  emergency?: EmergencySettings | null;
}

const WEBHOOK_FIELDS = {
  answerUrl: 'answer_url',
  followUpUrl: 'follow_up_url',
  emergencyUrl: 'emergency_url',
} as const;

/**
 * Refuses webhook URLs that are malformed, plain http where only https is allowed, or point where
 * Parley must not send (400 naming the field).
 */
export function assertWebhookUrls(
  webhooks: Partial<Record<keyof typeof WEBHOOK_FIELDS, string | null | undefined>>,
  targets: Pick<Deps, 'webhookTargets' | 'allowHttpWebhooks'>,
  pathPrefix = 'webhooks',
): void {
  const details = [];
  for (const [field, wire] of Object.entries(WEBHOOK_FIELDS)) {
    const url = webhooks[field as keyof typeof WEBHOOK_FIELDS];
    if (!url) continue;
    const verdict = checkWebhookUrl(url, targets.webhookTargets, { allowHttp: targets.allowHttpWebhooks });
    if (!verdict.ok) details.push({ path: `${pathPrefix}.${wire}`, message: verdict.reason });
  }
  if (details.length > 0) throw new ValidationError('invalid webhook URL', { details });
}

export function newWebhookSecret(deps: Pick<Deps, 'ids'>): string {
  return `whsec_${deps.ids.randomSecret(24)}`;
}

/**
 * Creates an AI; the returned secret is the only time it is shown. A product, strategy or goal it
 * names must exist in the tenant (NotFoundError naming `product_id` etc. otherwise).
 */
export async function createAi(
  deps: Pick<Deps, 'ais' | 'clock' | 'webhookTargets' | 'allowHttpWebhooks' | 'ids' | 'setup' | 'knowledge'>,
  input: { tenantId: string; aiId: string; settings: AiSettings },
): Promise<{ ai: Ai; webhookSecret: string }> {
  assertWebhookUrls(input.settings.webhooks, deps);
  await assertSetupReferences(deps, input.tenantId, input.settings);
  await assertKnowledgeBaseReferences(deps, input.tenantId, input.settings.knowledgeBaseIds);
  const now = deps.clock.now().toISOString();
  const ai: Ai = {
    ...input.settings,
    tenantId: input.tenantId,
    id: input.aiId,
    webhookSecret: newWebhookSecret(deps),
    createdAt: now,
    updatedAt: now,
  };
  await deps.ais.createAi(ai);
  return { ai, webhookSecret: ai.webhookSecret };
}

export async function getAi(deps: Pick<Deps, 'ais'>, tenantId: string, aiId: string): Promise<Ai> {
  const ai = await deps.ais.getAi(tenantId, aiId);
  if (!ai) throw new NotFoundError(`no AI with id ${aiId}`);
  return ai;
}

export function listAis(deps: Pick<Deps, 'ais'>, tenantId: string, page: PageRequest): Promise<Page<Ai>> {
  return deps.ais.listAis(tenantId, page);
}

/** Applies a PATCH; references it sets are checked as createAi checks them. */
export async function updateAi(
  deps: Pick<Deps, 'ais' | 'clock' | 'webhookTargets' | 'allowHttpWebhooks' | 'setup' | 'knowledge'>,
  input: { tenantId: string; aiId: string; changes: AiChanges },
): Promise<Ai> {
  const current = await getAi(deps, input.tenantId, input.aiId);
  const { webhooks, ...rest } = input.changes;
  if (webhooks) assertWebhookUrls(webhooks, deps);
  await assertSetupReferences(deps, input.tenantId, rest);
  await assertKnowledgeBaseReferences(deps, input.tenantId, rest.knowledgeBaseIds);
  const next: Ai = {
    ...applyPatch(current, rest),
    webhooks: applyPatch(current.webhooks, webhooks ?? {}),
    updatedAt: deps.clock.now().toISOString(),
  };
  await deps.ais.updateAi(next);
  return next;
}

/**
 * Deletes the AI and, first, its test sets with their cases and runs: a crash in between leaves
 * the AI in place, and deleting it again finishes the job.
 */
export async function deleteAi(deps: Pick<Deps, 'ais' | 'testSets'>, tenantId: string, aiId: string): Promise<void> {
  if ((await deps.ais.getAi(tenantId, aiId)) === undefined) throw new NotFoundError(`no AI with id ${aiId}`);
  await deps.testSets.deleteAiTestSets(tenantId, aiId);
  if (!(await deps.ais.deleteAi(tenantId, aiId))) throw new NotFoundError(`no AI with id ${aiId}`);
}

/** Replaces an AI's webhook secret; the new one is returned only this once. */
export async function rotateWebhookSecret(
  deps: Pick<Deps, 'ais' | 'clock' | 'ids'>,
  tenantId: string,
  aiId: string,
): Promise<{ ai: Ai; webhookSecret: string }> {
  const current = await getAi(deps, tenantId, aiId);
  const ai = { ...current, webhookSecret: newWebhookSecret(deps), updatedAt: deps.clock.now().toISOString() };
  await deps.ais.updateAi(ai);
  return { ai, webhookSecret: ai.webhookSecret };
}
