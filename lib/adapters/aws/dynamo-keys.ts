/**
 * How domain records map onto the single table's keys. Every primary key starts with `T#{tenantId}`,
 * so one tenant's data can never be read through another tenant's key.
 */
import { ValidationError } from '#lib/domain/errors';
import type { SetupKind } from '#lib/domain/types';
import { TABLE_KEYS } from '#lib/adapters/aws/table-definition';

/** A primary key of the table. */
export interface ItemKey {
  pk: string;
  sk: string;
}

/** Key attributes added to stored records; stripped again when reading back. */
const KEY_ATTRIBUTES: readonly string[] = [
  TABLE_KEYS.partitionKey,
  TABLE_KEYS.sortKey,
  TABLE_KEYS.gsi1.partitionKey,
  TABLE_KEYS.gsi1.sortKey,
  TABLE_KEYS.gsi2.partitionKey,
  TABLE_KEYS.gsi2.sortKey,
  TABLE_KEYS.timeToLive,
];

/**
 * How many GSI partitions the pending list is spread over, so the recovery sweep's writes (every
 * inbound message and delivery passes through it) do not all land on one hot partition.
 */
export const PENDING_SHARDS = 4;

export const SK_TENANT = 'TENANT';
export const SK_CONVERSATION = 'CONV';
export const PREFIX_AI = 'AI#';
export const PREFIX_KEY = 'KEY#';
export const PREFIX_MESSAGE = 'MSG#';
export const PREFIX_DELIVERY = 'DLV#';
export const PREFIX_IDEMPOTENCY = 'IDEM#';
/** What an Idempotency-Key reserved an id for → the key, so erasing a message finds the key's record. */
export const PREFIX_IDEMPOTENCY_RESOURCE = 'IDEMRES#';
/** A message accepted through the Maax-compatible API → its conversation (Maax polls by message id alone). */
export const PREFIX_MAAX_MESSAGE = 'MAAXMSG#';
export const PREFIX_KNOWLEDGE_BASE = 'KB#';
/** Not under `KB#`: a query for `begins_with(sk, 'KB#')` lists bases and must never meet a document. */
export const PREFIX_DOCUMENT = 'KBDOC#';
export const PREFIX_CORRECTION = 'CORR#';
/** Gaps in time order, listed newest first: `GAP#{createdAt}#{id}`. */
export const PREFIX_GAP = 'GAP#';
/** One marker per gap id, so the same gap recorded again (at another time) is not listed twice. */
export const PREFIX_GAP_ID = 'GAPID#';
/** Sort-key prefixes of the setup items, by kind. */
export const SETUP_PREFIXES: Readonly<Record<SetupKind, string>> = {
  product: 'PRODUCT#',
  strategy: 'STRATEGY#',
  goal: 'GOAL#',
};

/**
 * The tenant's partition. Tenant ids never contain '#': that is what keeps `T#a` + `#C#b` from
 * being read as tenant `a#C#b`, so it is enforced here rather than trusted.
 */
export function tenantPk(tenantId: string): string {
  if (tenantId.length === 0 || tenantId.includes('#')) {
    throw new Error(`Invalid tenant id for a table key: ${JSON.stringify(tenantId)}`);
  }
  return `T#${tenantId}`;
}

/**
 * A conversation's own partition (its record and its messages). The client-chosen conversation id is
 * the last component, so any characters in it ('#' included) cannot shift the tenant boundary.
 */
export function conversationPk(tenantId: string, conversationId: string): string {
  return `${tenantPk(tenantId)}#C#${conversationId}`;
}

export const tenantKey = (tenantId: string): ItemKey => ({ pk: tenantPk(tenantId), sk: SK_TENANT });
export const apiKeyKey = (tenantId: string, keyId: string): ItemKey => ({
  pk: tenantPk(tenantId),
  sk: PREFIX_KEY + keyId,
});
/** One key's request counter for one second (`second` is the ISO time the second starts). */
export const rateCounterKey = (tenantId: string, keyId: string, second: string): ItemKey => ({
  pk: tenantPk(tenantId),
  sk: `RATE#KEY#${keyId}#${second}`,
});
export const aiKey = (tenantId: string, aiId: string): ItemKey => ({ pk: tenantPk(tenantId), sk: PREFIX_AI + aiId });
export const setupItemKey = (kind: SetupKind, tenantId: string, id: string): ItemKey => ({
  pk: tenantPk(tenantId),
  sk: SETUP_PREFIXES[kind] + id,
});
export const deliveryKey = (tenantId: string, deliveryId: string): ItemKey => ({
  pk: tenantPk(tenantId),
  sk: PREFIX_DELIVERY + deliveryId,
});
/** One second's send count to one of the tenant's webhook endpoints (`endpointKey` is a hash of its origin). */
export const sendSlotKey = (tenantId: string, endpointKey: string, second: string): ItemKey => ({
  pk: tenantPk(tenantId),
  sk: `RATE#ENDPOINT#${endpointKey}#${second}`,
});
export const idempotencyKey = (tenantId: string, key: string): ItemKey => ({
  pk: tenantPk(tenantId),
  sk: PREFIX_IDEMPOTENCY + key,
});
export const idempotencyResourceKey = (tenantId: string, resourceId: string): ItemKey => ({
  pk: tenantPk(tenantId),
  sk: PREFIX_IDEMPOTENCY_RESOURCE + resourceId,
});
export const maaxMessageKey = (tenantId: string, messageId: string): ItemKey => ({
  pk: tenantPk(tenantId),
  sk: PREFIX_MAAX_MESSAGE + messageId,
});
export const conversationKey = (tenantId: string, conversationId: string): ItemKey => ({
  pk: conversationPk(tenantId, conversationId),
  sk: SK_CONVERSATION,
});
export const messageKey = (tenantId: string, conversationId: string, messageId: string): ItemKey => ({
  pk: conversationPk(tenantId, conversationId),
  sk: PREFIX_MESSAGE + messageId,
});

/**
 * A sort-key component that is followed by another: '%' and '#' are escaped, so the component
 * cannot run into the next one (documents of base `a#b` must not be listed under base `a`).
 */
function escapeComponent(part: string): string {
  return part.replaceAll('%', '%25').replaceAll('#', '%23');
}

export const knowledgeBaseKey = (tenantId: string, baseId: string): ItemKey => ({
  pk: tenantPk(tenantId),
  sk: PREFIX_KNOWLEDGE_BASE + baseId,
});
/** The sort-key prefix of one base's documents. */
export const documentPrefix = (baseId: string): string => `${PREFIX_DOCUMENT}${escapeComponent(baseId)}#`;
export const documentKey = (tenantId: string, baseId: string, documentId: string): ItemKey => ({
  pk: tenantPk(tenantId),
  sk: documentPrefix(baseId) + documentId,
});
/** The sort-key prefix of one AI's corrections. */
export const correctionPrefix = (aiId: string): string => `${PREFIX_CORRECTION}${escapeComponent(aiId)}#`;
export const correctionKey = (tenantId: string, aiId: string, correctionId: string): ItemKey => ({
  pk: tenantPk(tenantId),
  sk: correctionPrefix(aiId) + correctionId,
});
/** A gap's listed item, ordered by when it was recorded (ISO times sort as text). */
export const gapKey = (tenantId: string, createdAt: string, gapId: string): ItemKey => ({
  pk: tenantPk(tenantId),
  sk: `${PREFIX_GAP}${createdAt}#${gapId}`,
});
export const gapIdKey = (tenantId: string, gapId: string): ItemKey => ({
  pk: tenantPk(tenantId),
  sk: PREFIX_GAP_ID + gapId,
});

/**
 * One AI's test sets (evaluations) in a partition of their own: `SET#{set}` (the set, naming the
 * version its cases are stored under), `CASE#{set}#{version}#{case}`, `RUN#{set}#{run}` (run ids
 * are time-ordered), and each run's case snapshot `RCASE#{set}#{run}#{case}` and results
 * `RES#{set}#{run}#{case}`. The AI id is the last component of the key, as a conversation id is.
 */
export const evaluationsPk = (tenantId: string, aiId: string): string => `${tenantPk(tenantId)}#EVAL#${aiId}`;
export const PREFIX_TEST_SET = 'SET#';
export const testSetSk = (setId: string): string => PREFIX_TEST_SET + setId;
export const testCasesPrefix = (setId: string, version?: string): string =>
  `CASE#${escapeComponent(setId)}#${version === undefined ? '' : `${escapeComponent(version)}#`}`;
export const testRunsPrefix = (setId: string): string => `RUN#${escapeComponent(setId)}#`;
/** One run's (or, without `runId`, all the set's runs') case snapshot. */
export const runCasesPrefix = (setId: string, runId?: string): string =>
  `RCASE#${escapeComponent(setId)}#${runId === undefined ? '' : `${escapeComponent(runId)}#`}`;
/** One run's (or, without `runId`, all the set's runs') results. */
export const runResultsPrefix = (setId: string, runId?: string): string =>
  `RES#${escapeComponent(setId)}#${runId === undefined ? '' : `${escapeComponent(runId)}#`}`;
/**
 * A case copied from a conversation's message, registered in the conversation's own partition so
 * that erasing the conversation finds its copies without a scan.
 */
export const PREFIX_TEST_CASE_COPY = 'TCOPY#';
export const testCaseCopyKey = (
  tenantId: string,
  conversationId: string,
  copy: { aiId: string; setId: string; caseId: string },
): ItemKey => ({
  pk: conversationPk(tenantId, conversationId),
  sk: `${PREFIX_TEST_CASE_COPY}${escapeComponent(copy.aiId)}#${escapeComponent(copy.setId)}#${copy.caseId}`,
});

/** The inbox's gsi2 partition: all of one tenant's conversations. */
export const inboxPk = (tenantId: string): string => `${tenantPk(tenantId)}#CONVS`;
/**
 * A conversation's gsi2 sort key: by last update, then id (ISO times hold no '#', so the id is
 * everything after the first one). The retention sweep reads `gsi2sk < cutoff` for conversations
 * untouched since the cutoff.
 */
export const inboxSk = (updatedAt: string, conversationId: string): string => `${updatedAt}#${conversationId}`;

/** GSI partition of an API key, so a request's key can be found by its hash alone. */
export const apiKeyHashPk = (hash: string): string => `KEYHASH#${hash}`;
export const API_KEY_HASH_SK = 'KEY';

/** A stable shard in [0, PENDING_SHARDS): FNV-1a, so every process puts an id in the same shard. */
export function pendingShard(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % PENDING_SHARDS;
}

export const pendingPk = (shard: number): string => `PENDING#${shard}`;

/**
 * GSI sort key of a pending record: `since` first so a range query `< olderThan` finds exactly the
 * records waiting since before the cutoff (the `#` suffix makes a record at the cutoff itself sort
 * after it, i.e. not older).
 */
export const pendingMessageSk = (since: string, messageId: string): string => `${since}#${PREFIX_MESSAGE}${messageId}`;
export const pendingDeliverySk = (since: string, deliveryId: string): string =>
  `${since}#${PREFIX_DELIVERY}${deliveryId}`;
/** An unfinished erasure, waiting since its tombstone was written (the conversation item's own sk is `CONV`). */
export const pendingErasureSk = (since: string, conversationId: string): string =>
  `${since}#${SK_CONVERSATION}#${conversationId}`;
/**
 * A queued document carries what re-queueing it needs in its index sort key, so the index's narrow
 * projection serves it too. API-made ids never contain '#' (they match the route's id pattern).
 */
export const pendingDocumentSk = (since: string, baseId: string, documentId: string, uploadId: string): string =>
  `${since}#${PREFIX_DOCUMENT}${baseId}#${documentId}#${uploadId}`;

/** A record as read back: the stored item without the table's own attributes. */
export function toRecord<T>(item: Record<string, unknown>): T {
  const record: Record<string, unknown> = { ...item };
  for (const name of KEY_ATTRIBUTES) delete record[name];
  return record as T;
}

/** An opaque list cursor: the last returned item's key, base64url JSON. */
export function encodeCursor(key: ItemKey): string {
  return Buffer.from(JSON.stringify({ pk: key.pk, sk: key.sk }), 'utf8').toString('base64url');
}

/**
 * Reads a cursor back, accepting only one that points into `pk` under `skPrefix`: a cursor from
 * another tenant or another list would otherwise let a caller start a Query somewhere else.
 */
export function decodeCursor(cursor: string, pk: string, skPrefix: string): ItemKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    typeof parsed === 'object' &&
    parsed !== null &&
    'pk' in parsed &&
    'sk' in parsed &&
    parsed.pk === pk &&
    typeof parsed.sk === 'string' &&
    parsed.sk.startsWith(skPrefix)
  ) {
    return { pk, sk: parsed.sk };
  }
  throw new ValidationError('Invalid cursor', {
    details: [{ path: 'cursor', message: 'is not a cursor returned by this list' }],
  });
}
