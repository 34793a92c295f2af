/**
 * Answer quality of the offline model on the labelled sets: the Brightdesk help-centre questions
 * (answerable, each naming its document) with the unanswerable near-misses beside them
 * (test/fixtures/knowledge-set/unanswerable.json), and the sales scenarios
 * (test/fixtures/sales-scenarios). Each set is split in two by a fixed rule (the number in a case's
 * id: odd tunes, even is held out); thresholds are tuned on the tuning half only, and the floors
 * are tested on the held-out half.
 *
 * - answer precision: of the answerable cases the model answered (did not abstain), the share it
 *   answered right (cited the labelled document; did the right sales thing);
 * - reach: the share of answerable cases answered at all, so a gate that abstains on everything
 *   cannot pass;
 * - abstain recall: the share of unanswerable cases it abstained on (escalation `unanswerable`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OfflineChatModel } from '#lib/adapters/offline/offline-chat-model';
import { SearchIndex } from '#lib/domain/knowledge/search-index';
import { MAX_PROMPT_PASSAGES } from '#lib/domain/limits/generation';
import type { ModelReply, ReplyRequest, SalesContext, Turn } from '#lib/domain/reply';
import { chunkSetsOf, KNOWLEDGE_SET_DIR, loadKnowledgeSet } from '#test/support/knowledge-set';

export type Half = 'tuning' | 'held-out';
export const HALVES: readonly Half[] = ['tuning', 'held-out'];

/** The fixed split: a case whose id holds an odd number tunes, an even one is held out. */
export function halfOf(id: string): Half {
  const n = Number(id.match(/\d+/)?.[0] ?? Number.NaN);
  if (!Number.isInteger(n)) throw new Error(`case id ${id} holds no number`);
  return n % 2 === 1 ? 'tuning' : 'held-out';
}

export interface AnswerQuality {
  answerable: number;
  answered: number;
  right: number;
  unanswerable: number;
  abstained: number;
  /** right ÷ answered (1 when nothing was answered: reach says so). */
  precision: number;
  /** answered ÷ answerable. */
  reach: number;
  /** abstained ÷ unanswerable. */
  abstainRecall: number;
  /** Ids of answerable cases answered wrong, and of unanswerable ones answered anyway. */
  wrong: string[];
  missedAbstentions: string[];
}

interface Outcome {
  id: string;
  answerable: boolean;
  abstained: boolean;
  right: boolean;
}

const ratio = (n: number, d: number, empty: number) => (d === 0 ? empty : n / d);

function summarise(outcomes: readonly Outcome[]): AnswerQuality {
  const answerable = outcomes.filter((o) => o.answerable);
  const answered = answerable.filter((o) => !o.abstained);
  const right = answered.filter((o) => o.right);
  const unanswerable = outcomes.filter((o) => !o.answerable);
  const abstained = unanswerable.filter((o) => o.abstained);
  return {
    answerable: answerable.length,
    answered: answered.length,
    right: right.length,
    unanswerable: unanswerable.length,
    abstained: abstained.length,
    precision: ratio(right.length, answered.length, 1),
    reach: ratio(answered.length, answerable.length, 0),
    abstainRecall: ratio(abstained.length, unanswerable.length, 1),
    wrong: answered.filter((o) => !o.right).map((o) => o.id),
    missedAbstentions: unanswerable.filter((o) => !o.abstained).map((o) => o.id),
  };
}

/** The figures of several sets counted together, case by case. */
export function pooled(qualities: readonly AnswerQuality[]): AnswerQuality {
  const sum = (key: 'answerable' | 'answered' | 'right' | 'unanswerable' | 'abstained') =>
    qualities.reduce((total, q) => total + q[key], 0);
  const answered = sum('answered');
  const unanswerable = sum('unanswerable');
  return {
    answerable: sum('answerable'),
    answered,
    right: sum('right'),
    unanswerable,
    abstained: sum('abstained'),
    precision: ratio(sum('right'), answered, 1),
    reach: ratio(answered, sum('answerable'), 0),
    abstainRecall: ratio(sum('abstained'), unanswerable, 1),
    wrong: qualities.flatMap((q) => q.wrong),
    missedAbstentions: qualities.flatMap((q) => q.missedAbstentions),
  };
}

const NOW = '2025-03-04T10:00:00.000Z';
const abstains = (reply: ModelReply) => reply.escalation === 'unanswerable';

// ── The help-centre set ──────────────────────────────────────────────────────────────────────────

export interface UnanswerableQuestion {
  id: string;
  question: string;
}

export function loadUnanswerable(): UnanswerableQuestion[] {
  return JSON.parse(readFileSync(join(KNOWLEDGE_SET_DIR, 'unanswerable.json'), 'utf8')) as UnanswerableQuestion[];
}

/**
 * Each question of `half` asked of a support AI on the offline model, with the passages lexical
 * search retrieves for it (as the generator hands them over); right when the reply cites the
 * labelled document.
 */
export async function measureKnowledgeAnswers(half: Half): Promise<AnswerQuality> {
  const set = loadKnowledgeSet();
  const index = SearchIndex.fromChunkSets('brightdesk', chunkSetsOf(set));
  const model = new OfflineChatModel();
  const cases = [
    ...set.questions.map((q) => ({ id: q.id, question: q.question, document: q.document as string | undefined })),
    ...loadUnanswerable().map((q) => ({ ...q, document: undefined })),
  ].filter((c) => halfOf(c.id) === half);
  const outcomes: Outcome[] = [];
  for (const c of cases) {
    const passages = index.search(c.question, { topK: MAX_PROMPT_PASSAGES });
    const reply = await model.generateReply({
      ai: { name: 'Sam', type: 'support' },
      knowledge: {
        corrections: [],
        passages: passages.map((p, i) => ({ ref: i + 1, title: p.title, headingPath: p.headingPath, text: p.text })),
      },
      contact: {},
      outputFormat: 'text',
      history: [],
      pending: [{ role: 'prospect', text: c.question, at: NOW }],
      now: NOW,
    });
    const cited = reply.citations.map((ref) => passages[ref - 1]?.documentId);
    outcomes.push({
      id: c.id,
      answerable: c.document !== undefined,
      abstained: abstains(reply),
      right: c.document !== undefined && cited[0] === c.document,
    });
  }
  return summarise(outcomes);
}

// ── The sales scenarios ──────────────────────────────────────────────────────────────────────────

export const SALES_SCENARIOS_DIR = fileURLToPath(new URL('../fixtures/sales-scenarios/', import.meta.url));

export interface SalesScenario {
  id: string;
  /** The name of one of the file's setups. */
  setup: string;
  message: string;
  history?: Array<{ role: Turn['role']; text: string }>;
  now: string;
  timezone?: string;
  expect: {
    /** The setup cannot answer it: the reply must abstain. Else it must not. */
    abstains: boolean;
    /** The goal link is (true) or is not (false) in the reply; unchecked when absent. */
    goalLink?: boolean;
    /** The exact price the reply must quote, or false for no price at all; unchecked when absent. */
    price?: string | false;
    /** The follow-up time the reply must set (ISO-8601 UTC), or null for none; unchecked when absent. */
    followUpAt?: string | null;
    /** Text the reply must contain. */
    contains?: string;
  };
}

export interface SalesScenarios {
  setups: Record<string, SalesContext>;
  scenarios: SalesScenario[];
}

export function loadSalesScenarios(): SalesScenarios {
  return JSON.parse(readFileSync(join(SALES_SCENARIOS_DIR, 'scenarios.json'), 'utf8')) as SalesScenarios;
}

/** A price-like figure: a currency and a number, or a number per period. */
const PRICE = /[$€£]\s?\d|\d+(?:[.,]\d+)?\s*(?:\/|per\s+)(?:month|year|user|seat)/i;

/** Which of the scenario's expectations the reply misses (empty when it did the right thing). */
export function salesMisses(scenario: SalesScenario, sales: SalesContext, reply: ModelReply): string[] {
  const { expect } = scenario;
  const misses: string[] = [];
  if (abstains(reply) !== expect.abstains) misses.push(expect.abstains ? 'did not abstain' : 'abstained');
  const goalUrl = sales.goal?.goalUrl;
  if (expect.goalLink !== undefined && goalUrl && reply.text.includes(goalUrl) !== expect.goalLink) {
    misses.push(expect.goalLink ? 'no goal link' : 'goal link too early');
  }
  if (expect.price === false && PRICE.test(reply.text)) misses.push('stated a price none is set for');
  if (typeof expect.price === 'string' && !reply.text.includes(expect.price)) misses.push(`no price ${expect.price}`);
  if (expect.followUpAt !== undefined && reply.followUpAt !== expect.followUpAt) {
    misses.push(`follow-up at ${reply.followUpAt}, not ${expect.followUpAt}`);
  }
  if (expect.contains && !reply.text.includes(expect.contains)) misses.push(`no "${expect.contains}"`);
  return misses;
}

export function salesRequest(scenario: SalesScenario, sales: SalesContext): ReplyRequest {
  return {
    ai: { name: 'Ava', type: 'sales' },
    sales,
    contact: { firstName: 'Anna', ...(scenario.timezone ? { timezone: scenario.timezone } : {}) },
    outputFormat: 'text',
    history: (scenario.history ?? []).map((t) => ({ ...t, at: scenario.now })),
    pending: [{ role: 'prospect', text: scenario.message, at: scenario.now }],
    now: scenario.now,
  };
}

/** Each scenario of `half` asked of a sales AI on the offline model; right when it misses nothing. */
export async function measureSalesScenarios(half: Half): Promise<AnswerQuality & { misses: Record<string, string[]> }> {
  const { setups, scenarios } = loadSalesScenarios();
  const model = new OfflineChatModel();
  const outcomes: Outcome[] = [];
  const misses: Record<string, string[]> = {};
  for (const scenario of scenarios.filter((s) => halfOf(s.id) === half)) {
    const sales = setups[scenario.setup];
    if (!sales) throw new Error(`scenario ${scenario.id} names no known setup (${scenario.setup})`);
    const reply = await model.generateReply(salesRequest(scenario, sales));
    const missed = salesMisses(scenario, sales, reply);
    if (missed.length > 0) misses[scenario.id] = missed;
    outcomes.push({
      id: scenario.id,
      answerable: !scenario.expect.abstains,
      abstained: abstains(reply),
      right: missed.length === 0,
    });
  }
  return { ...summarise(outcomes), misses };
}
