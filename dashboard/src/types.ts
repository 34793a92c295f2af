/** The API's records, as far as the dashboard reads them (docs/openapi.json has them in full). */

export interface Webhooks {
  answer_url: string;
  follow_up_url?: string;
  emergency_url?: string;
}

export interface Ai {
  id: string;
  type: 'sales' | 'support';
  name: string;
  instructions?: string;
  language?: string;
  webhooks: Webhooks;
  output_format: 'text' | 'html';
  reply_delay_seconds: number;
  product_id?: string;
  strategy_id?: string;
  goal_id?: string;
  knowledge_base_ids: string[];
  webhook_health?: { failing_since: string; last_failure_at: string };
  webhook_secret?: string;
}

export interface KnowledgeBase {
  id: string;
  name: string;
  document_count: number;
  created_at: string;
}

export type DocumentStatus = 'queued' | 'ready' | 'failed';

export interface KnowledgeDocument {
  document_id: string;
  title: string;
  status: DocumentStatus;
  error?: string;
  chunk_count: number;
  source: { kind: 'text' | 'file' | 'url'; filename?: string; url?: string };
  bytes: number;
  updated_at: string;
}

export interface Citation {
  document_id: string;
  title: string;
  snippet: string;
}

export interface TestAnswer {
  reply: string;
  citations: Citation[];
  needs_human: boolean;
  escalation: string;
  reason: string | null;
  follow_up_at: string | null;
  confidence: string;
  language: string | null;
  usage: { input_tokens: number; output_tokens: number } | null;
  latency_ms: number;
}

export interface Message {
  message_id: string;
  direction: 'inbound' | 'outbound';
  kind: string;
  text: string;
  created_at: string;
  status?: string;
  confidence?: string;
  citations?: Citation[];
}

export interface Conversation {
  conversation_id: string;
  ai_id: string;
  status: 'active' | 'handed_off' | 'closed';
  contact: { first_name?: string; last_name?: string; email?: string; phone?: string };
  channel?: string;
  messages: Message[];
  scheduled: { kind: string; at: string }[];
}

export interface Delivery {
  delivery_id: string;
  type: string;
  ai_id: string;
  conversation_id: string;
  url: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
  created_at: string;
}
