/** The records the store contracts write: one fixed epoch, two tenants, and a builder per record type. */
import type { Correction, KnowledgeBase, KnowledgeDocument, KnowledgeGap } from '#lib/domain/knowledge/types';
import type {
  Ai,
  Conversation,
  Delivery,
  Goal,
  IdempotencyRecord,
  Message,
  Product,
  SetupItems,
  SetupKind,
  Strategy,
  Tenant,
} from '#lib/domain/types';
import type { TimerRecord } from '#lib/ports/timers';

export const T0 = Date.parse('2025-03-01T12:00:00.000Z');
/** An ISO time `seconds` after the suite's fixed epoch. */
export const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString();

export const TENANT = 'ten_01a';
export const OTHER_TENANT = 'ten_01b';

export const aTenant = (overrides: Partial<Tenant> = {}): Tenant => ({
  id: TENANT,
  name: 'Acme',
  createdAt: at(0),
  ...overrides,
});

export const anAi = (overrides: Partial<Ai> = {}): Ai => ({
  tenantId: TENANT,
  id: 'ai_01',
  type: 'sales',
  name: 'Sales assistant',
  webhooks: { answerUrl: 'https://example.com/answer' },
  webhookSecret: 'whsec_c2VjcmV0',
  outputFormat: 'text',
  replyDelaySeconds: 0,
  createdAt: at(0),
  updatedAt: at(0),
  ...overrides,
});

export const aProduct = (overrides: Partial<Product> = {}): Product => ({
  tenantId: TENANT,
  id: 'prod_01',
  name: 'Pro plan',
  description: 'Everything in Basic, plus priority support.',
  price: '$49/month',
  knowledgeBaseIds: ['kb_01', 'kb_02'],
  createdAt: at(0),
  updatedAt: at(0),
  ...overrides,
});

export const aStrategy = (overrides: Partial<Strategy> = {}): Strategy => ({
  tenantId: TENANT,
  id: 'strat_01',
  name: 'Consultative',
  instructions: 'Ask about their team before recommending a plan.',
  tone: 'warm, concise',
  createdAt: at(0),
  updatedAt: at(0),
  ...overrides,
});

export const aGoal = (overrides: Partial<Goal> = {}): Goal => ({
  tenantId: TENANT,
  id: 'goal_01',
  name: 'Book a demo',
  description: 'A 30-minute call with sales.',
  goalUrl: 'https://example.com/demo',
  createdAt: at(0),
  updatedAt: at(0),
  ...overrides,
});

/** A fixture of each setup kind; `overrides` only ever sets fields every kind has. */
export const SETUP_FIXTURES: { [K in SetupKind]: (overrides?: Partial<SetupItems[K]>) => SetupItems[K] } = {
  product: aProduct,
  strategy: aStrategy,
  goal: aGoal,
};
export const SETUP_KINDS = Object.keys(SETUP_FIXTURES) as SetupKind[];

export const aConversation = (overrides: Partial<Conversation> = {}): Conversation => ({
  tenantId: TENANT,
  id: 'lead@example.com',
  aiId: 'ai_01',
  status: 'active',
  contact: { firstName: 'Ada', email: 'lead@example.com' },
  metadata: { source: 'zapier' },
  createdAt: at(0),
  updatedAt: at(0),
  ...overrides,
});

/** A timer of `tenantId`, named after it as the use cases name them, due `seconds` after the epoch. */
export const aTimer = (name: string, seconds: number, tenantId = TENANT): TimerRecord => ({
  name: `${tenantId}.${name}`,
  at: at(seconds),
  payload: { kind: 'dropoff', tenantId, conversationId: 'lead@example.com', version: 3, at: at(seconds) },
});

export const anInbound = (overrides: Partial<Message> = {}): Message => ({
  tenantId: TENANT,
  conversationId: 'lead@example.com',
  id: 'msg_01',
  direction: 'inbound',
  kind: 'prospect',
  text: 'How much is it?',
  createdAt: at(0),
  status: 'queued',
  ...overrides,
});

export const aDelivery = (overrides: Partial<Delivery> = {}): Delivery => ({
  tenantId: TENANT,
  id: 'dlv_01',
  eventId: 'evt_01',
  type: 'message.answered',
  aiId: 'ai_01',
  conversationId: 'lead@example.com',
  messageId: 'msg_02',
  url: 'https://example.com/answer',
  payload: '{"answer":"It is 10 EUR."}',
  status: 'pending',
  attempts: 0,
  nextAttemptAt: at(0),
  createdAt: at(0),
  updatedAt: at(0),
  ...overrides,
});

export const anIdempotencyRecord = (overrides: Partial<IdempotencyRecord> = {}): IdempotencyRecord => ({
  tenantId: TENANT,
  key: 'idem-key-1',
  fingerprint: 'sha256:first',
  resourceId: 'msg_01',
  status: 'pending',
  createdAt: at(0),
  expiresAt: at(3600),
  ...overrides,
});

export const aKnowledgeBase = (overrides: Partial<KnowledgeBase> = {}): KnowledgeBase => ({
  tenantId: TENANT,
  id: 'kb_01',
  name: 'Pricing and shipping',
  version: 0,
  indexed: {},
  uploads: {},
  createdAt: at(0),
  updatedAt: at(0),
  ...overrides,
});

export const aDocument = (overrides: Partial<KnowledgeDocument> = {}): KnowledgeDocument => ({
  tenantId: TENANT,
  knowledgeBaseId: 'kb_01',
  id: 'doc_01',
  title: 'Shipping',
  titleGiven: false,
  source: { kind: 'file', contentType: 'application/pdf', filename: 'shipping.pdf' },
  uploadId: 'upl_01',
  status: 'queued',
  chunkCount: 0,
  bytes: 2048,
  createdAt: at(0),
  updatedAt: at(0),
  ...overrides,
});

export const aCorrection = (overrides: Partial<Correction> = {}): Correction => ({
  tenantId: TENANT,
  aiId: 'ai_01',
  id: 'cor_msg_02',
  question: 'Do you ship to Canada?',
  answer: 'Yes, in 5 to 7 days.',
  conversationId: 'lead@example.com',
  messageId: 'msg_02',
  createdAt: at(0),
  ...overrides,
});

export const aGap = (overrides: Partial<KnowledgeGap> = {}): KnowledgeGap => ({
  tenantId: TENANT,
  id: 'gap_01',
  aiId: 'ai_01',
  conversationId: 'lead@example.com',
  messageId: 'msg_01',
  question: 'Do you ship to Mars?',
  reason: 'escalated',
  createdAt: at(0),
  ...overrides,
});

/** A key of TENANT whose hash is `digit` repeated. */
export const anApiKey = (id: string, digit: string) => ({
  tenantId: TENANT,
  id,
  hash: digit.repeat(64),
  prefix: 'prly_AbCd…',
  createdAt: at(0),
});
