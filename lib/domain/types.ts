/**
 * Parley's domain records. Internal names are camelCase; the HTTP layer presents them in the
 * contract's snake_case. Timestamps are ISO-8601 UTC strings.
 */
import type { ConfidenceLevel } from '#lib/domain/confidence';
import type { EMERGENCY_TRIGGERS, MODEL_ESCALATIONS, OPERATOR_FAULTS } from '#lib/domain/escalation';
import type { TimerKind } from '#lib/domain/timer-kinds';

export type AiType = 'sales' | 'support';
export type OutputFormat = 'text' | 'html';
export type Channel = 'email' | 'sms' | 'website' | 'chat' | 'other';

export interface Tenant {
  id: string;
  name: string;
  /**
   * Conversations untouched (by `updatedAt`) this many days expire: they read as gone at once and
   * the expiry job erases them. Absent (tenants stored before it existed too): kept until erased.
   */
  dataRetentionDays?: number;
  createdAt: string;
}

/** An API key as stored: only its SHA-256 hash, never the key itself. */
export interface ApiKeyRecord {
  tenantId: string;
  id: string;
  hash: string;
  /** The first characters of the key, so a person can tell keys apart in a list. */
  prefix: string;
  /** What the business calls the key ("Zapier", "CRM"); keys made before names existed have none. */
  name?: string;
  createdAt: string;
}

export interface AiWebhooks {
  answerUrl: string;
  followUpUrl?: string;
  emergencyUrl?: string;
}

/** Hours when no nudge is sent, in the contact's (else the AI's) timezone; may span midnight. */
export interface QuietHours {
  /** "HH:MM", 24-hour clock. */
  start: string;
  end: string;
}

/** How an AI keeps a conversation alive: requested follow-ups and drop-off nudges. */
export interface FollowUpSettings {
  /** Off: no follow-ups and no nudges. */
  enabled: boolean;
  /** A prospect silent this long after an answer is nudged; fractions allowed. */
  dropoffAfterHours: number;
  /** Nudges per silence; 0 sends requested follow-ups only. */
  maxNudges: number;
  quietHours?: QuietHours;
  /** IANA timezone used when the contact has none. */
  timezone: string;
}

/** What makes an AI call a person through the emergency webhook. */
export type EmergencyTrigger = (typeof EMERGENCY_TRIGGERS)[number];

/** Why the model would call a person in (`none` when it would not). */
export type ModelEscalation = (typeof MODEL_ESCALATIONS)[number];

/**
 * A fault of the deployment rather than of the conversation (the chat model has no usable
 * credentials): a person is called whatever the AI's triggers say, since only an operator can fix it.
 */
export type OperatorFault = (typeof OPERATOR_FAULTS)[number];

/** The `reason` of a `conversation.escalated` webhook and event. */
export type EscalationReason = EmergencyTrigger | OperatorFault;

export interface EmergencySettings {
  enabled: boolean;
  triggers: EmergencyTrigger[];
  /** Hand the conversation off (the AI stops answering) when it escalates, until resumed. */
  pauseAi: boolean;
}

export interface Ai {
  tenantId: string;
  id: string;
  type: AiType;
  name: string;
  instructions?: string;
  language?: string;
  webhooks: AiWebhooks;
  /** `whsec_` + base64 key; signs every webhook (Standard Webhooks). */
  webhookSecret: string;
  outputFormat: OutputFormat;
  /** Delivery of an answer is held back this long, so replies do not look robotic. */
  replyDelaySeconds: number;
  /** What the AI sells, how, and what it drives the prospect to: setup items of the same tenant. */
  productId?: string;
  strategyId?: string;
  goalId?: string;
  /** Knowledge bases the AI answers from (a sales AI also uses its product's). */
  knowledgeBaseIds?: string[];
  /** Absent: the strategy's, else the defaults (see resolveFollowUpSettings). */
  followUp?: FollowUpSettings;
  /** Absent: the defaults (see resolveEmergencySettings). */
  emergency?: EmergencySettings;
  /** Set while the AI's webhooks fail: written only by the delivery worker (see recordWebhookHealth). */
  webhookHealth?: WebhookHealth;
  createdAt: string;
  updatedAt: string;
}

/**
 * Whether an AI's webhook endpoints are failing: set when a delivery fails for good, cleared by
 * the next delivery to that AI that succeeds. A `failingSince` days old is an endpoint to fix.
 */
export interface WebhookHealth {
  /** When the first delivery that failed for good (since the last success) was given up. */
  failingSince: string;
  /** When the latest delivery failed for good. */
  lastFailureAt: string;
}

/** What a sales AI sells. */
export interface Product {
  tenantId: string;
  id: string;
  name: string;
  description: string;
  /** Free text as the prospect should read it, e.g. "$49/month" or "from 1,200 EUR". */
  price?: string;
  /** Knowledge bases about the product: a sales AI selling it answers from them too. */
  knowledgeBaseIds?: string[];
  createdAt: string;
  updatedAt: string;
}

/** How a sales AI sells. */
export interface Strategy {
  tenantId: string;
  id: string;
  name: string;
  instructions: string;
  /** Free text, e.g. "warm, concise, no jargon". */
  tone?: string;
  /** The default follow-up behaviour of AIs using this strategy. */
  followUp?: FollowUpSettings;
  createdAt: string;
  updatedAt: string;
}

/** What a sales AI drives the prospect to (a booking page, a checkout). */
export interface Goal {
  tenantId: string;
  id: string;
  name: string;
  description: string;
  /** An http(s) URL. */
  goalUrl: string;
  createdAt: string;
  updatedAt: string;
}

/** The setup items an AI may reference, by kind. */
export interface SetupItems {
  product: Product;
  strategy: Strategy;
  goal: Goal;
}

export type SetupKind = keyof SetupItems;
export type SetupItem = SetupItems[SetupKind];

export interface Contact {
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  timezone?: string;
  handles?: Record<string, string>;
}

export type ConversationStatus = 'active' | 'handed_off' | 'closed';

export interface Conversation {
  tenantId: string;
  /** The client's own id for the thread (an e-mail address, a phone number, a ticket id). */
  id: string;
  aiId: string;
  status: ConversationStatus;
  contact: Contact;
  channel?: Channel;
  outputFormat?: OutputFormat;
  /** Per-conversation overrides of the AI's webhook URLs. */
  webhooks?: { answerUrl?: string; followUpUrl?: string };
  metadata: Record<string, unknown>;
  /**
   * Bumped by every inbound message, handoff, resume and close: a timer carries the version it was
   * set at, and one that fires after a change does nothing. Absent on older records: 0.
   */
  version?: number;
  /** Timers pending for this conversation, as `GET …/conversations/{id}` shows them. */
  scheduled?: ScheduledTimer[];
  /**
   * The client's own id for this prospect, when the client named one (or asked Parley to): such a
   * conversation's webhooks carry it as `prospect_id`, with the keys that go with it (see
   * buildWebhookPayload).
   */
  prospectId?: string;
  /**
   * The reply being held back by a busy model (429, 5xx, timeouts): when it first failed and how
   * many waits it has taken. The budget counts from `since`; the waits are not failed attempts.
   * Only the reply `replyId` uses it: a later reply starts afresh.
   */
  modelFault?: { replyId: string; since: string; waits: number };
  /**
   * A person should look: set by an escalation or a handoff, cleared by a person's message or a
   * resume. Absent (older records too): false.
   */
  needsHuman?: boolean;
  /**
   * Which life of this conversation id this is: 0 (or absent) at first, one more each time the id
   * is reused after an erasure, so work started for an erased life can tell it is stale.
   */
  incarnation?: number;
  createdAt: string;
  updatedAt: string;
}

export type { TimerKind };

export interface ScheduledTimer {
  kind: TimerKind;
  /** When it fires, ISO-8601 UTC. */
  at: string;
  /** The scheduler's name for it (one per kind and conversation). */
  name: string;
}

export type MessageDirection = 'inbound' | 'outbound';
export type MessageKind = 'prospect' | 'reply' | 'follow_up' | 'nudge' | 'human';
export type InboundStatus = 'queued' | 'answering' | 'answered' | 'escalated' | 'failed';

export interface Message {
  tenantId: string;
  conversationId: string;
  /** Time-ordered (ULID-based), so sorting by id sorts by arrival. */
  id: string;
  direction: MessageDirection;
  kind: MessageKind;
  text: string;
  createdAt: string;
  /** Inbound only: where answering this message stands. */
  status?: InboundStatus;
  /** Inbound only: the outbound reply that answers (or is being generated to answer) it. */
  replyId?: string;
  /** Inbound only: the answer text, copied in when answered, for V1 polling. */
  answer?: string;
  answeredAt?: string;
  /** Outbound reply only: the inbound messages it answers. */
  inReplyTo?: string[];
  /** Outbound reply only: the model asked for a human to look at this conversation. */
  needsHuman?: boolean;
  reason?: string;
  /** Outbound reply only: how well grounded the model judged its answer. */
  confidence?: ConfidenceLevel;
  /** Outbound reply only: the knowledge the reply drew on. */
  citations?: Citation[];
  /** Outbound reply only: why the model would call a person in (`none` when it would not). */
  escalation?: ModelEscalation;
  /** Outbound reply only: when the prospect asked to be contacted again. */
  followUpAt?: string;
  /** Outbound (AI-written) only: the client's rating of it; a later rating replaces an earlier one. */
  feedback?: MessageFeedback;
  metadata?: Record<string, unknown>;
}

/** A passage (or a correction) an answer drew on. */
export interface Citation {
  /** A document's id, or a correction's (`cor_…`). */
  documentId: string;
  title: string;
  snippet: string;
}

export type FeedbackRating = 'up' | 'down';

/** A client's verdict on one AI-written message (`POST …/messages/{message_id}/feedback`). */
export interface MessageFeedback {
  rating: FeedbackRating;
  /** What the answer should have said: also kept as a correction that later answers use. */
  correction?: string;
  /** When the feedback was given, ISO-8601 UTC. */
  at: string;
}

export type WebhookEventType = 'message.answered' | 'follow_up.sent' | 'dropoff.sent' | 'conversation.escalated';

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

/** One webhook event to one URL, and every attempt made to deliver it. */
export interface Delivery {
  tenantId: string;
  id: string;
  /** Stable across retries: sent as `webhook-id` so the receiver can dedupe. */
  eventId: string;
  type: WebhookEventType;
  aiId: string;
  conversationId: string;
  messageId: string;
  url: string;
  /** The exact JSON body, fixed when the delivery is created so every attempt sends the same. */
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode?: number;
  lastError?: string;
  nextAttemptAt: string;
  /** While set in the future, one worker is sending; others leave the delivery alone. */
  leaseUntil?: string;
  /**
   * Attempts made before the latest retry by hand: the retry schedule counts from here, so a
   * manual retry gets one fresh run of it while `attempts` keeps the total.
   */
  attemptsBeforeRetry?: number;
  /** Set when its conversation was erased: the body is gone and the delivery is never sent. */
  erasedAt?: string;
  createdAt: string;
  updatedAt: string;
}

/** What a client's `Idempotency-Key` remembers: the request's fingerprint and first response. */
export interface IdempotencyRecord {
  tenantId: string;
  key: string;
  fingerprint: string;
  /** An id reserved for whatever the request creates, so a resumed request creates the same thing. */
  resourceId: string;
  status: 'pending' | 'completed';
  response?: { statusCode: number; body: unknown };
  createdAt: string;
  expiresAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
