/**
 * How the offline model reads a prospect's messages: an ordered rule table of intents, and the
 * bounded, de-linked restatement of their question that a reply may echo.
 */

export type Intent =
  | 'check_in'
  | 'human'
  | 'interest'
  | 'pricing'
  | 'about'
  | 'greeting'
  | 'question'
  | 'thanks'
  | 'statement';

export interface IntentContext {
  /** All pending messages, joined and lower-cased. */
  text: string;
  /** The pending messages' sentences, as written. */
  sentences: string[];
}

const HUMAN_PATTERNS = [
  /\b(speak|talk|chat)\s+(to|with)\s+(a|an|the|your|some)?\s*(real\s+|actual\s+|live\s+)?(person|human|agent|someone|somebody|representative|rep|manager|operator)\b/,
  /\b(want|need|get)\s+(a|an)\s+(real\s+)?(human|person|agent|representative)\b/,
  /\b(real|actual|live)\s+(person|human|agent)\b/,
  /\b(call|phone|ring)\s+me\b/,
  /\b(manager|supervisor|complaint|complain|complaining)\b/,
];
const INTEREST_PATTERNS = [
  /\b(i'?m|i\s+am|we'?re|we\s+are)\s+(very\s+|really\s+|definitely\s+|quite\s+)?interested\b/,
  /\bhow\s+(do|can|would|should)\s+(i|we)\s+(sign\s*up|buy|book|order|purchase|get\s+started|start|subscribe|join|register|pay|get\s+it)\b/,
  /\b(sign\s+(me|us)\s+up|sounds\s+(good|great|perfect|interesting)|let'?s\s+do\s+(it|this)|i'?ll\s+take\s+it|count\s+(me|us)\s+in|where\s+do\s+i\s+sign)\b/,
  /\b(ready|want|like|keen)\s+to\s+(buy|start|sign\s*up|book|order|purchase|go\s+ahead|proceed|get\s+started)\b/,
  /\b(i|we)\s+want\s+(it|one|in)\b/,
];
export const PRICING = /\b(price[sd]?|pricing|costs?|how\s+much|an?\s+quote|fees?|expensive|cheap(er)?|discounts?)\b/;
const ABOUT =
  /\b(what\s+(is|'s)\s+(it|this|that|the\s+product|your\s+product)|what\s+do\s+you\s+(sell|offer|do|have)|what\s+does\s+it\s+do|tell\s+me\s+(more\s+)?about|more\s+(info|information|details)\s+(about|on))\b/;
const GREETING_WORDS =
  /\b(hi|hello|hey|hiya|howdy|greetings|good\s+(morning|afternoon|evening|day)|how\s+are\s+you(\s+doing)?(\s+today)?|there|all|everyone|team)\b/g;
const LEADING_GREETING = /^(hi|hello|hey|hiya|good\s+(morning|afternoon|evening))\b[\s,!.]*/i;
const QUESTION_START = /^(what|how|when|where|why|who|which|can|could|do|does|did|is|are|will|would|should)\b/;
const THANKS = /\b(thanks|thank\s+you|thx|cheers|bye|goodbye|see\s+you|have\s+a\s+(good|great|nice))\b/;
const URL_LIKE =
  /\b(?:[a-z][a-z0-9+.-]*:\/\/|www\.)\S*|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|io|example|co|app|dev)\b\S*/gi;
const MARKUP = /<[^<>]*>?/g;

/** Ordered: the first rule that matches decides the reply. */
const INTENT_RULES: ReadonlyArray<{ intent: Intent; matches: (c: IntentContext) => boolean }> = [
  { intent: 'check_in', matches: (c) => c.text.trim() === '' },
  { intent: 'human', matches: (c) => HUMAN_PATTERNS.some((p) => p.test(c.text)) },
  { intent: 'interest', matches: (c) => INTEREST_PATTERNS.some((p) => p.test(c.text)) },
  { intent: 'pricing', matches: (c) => PRICING.test(c.text) },
  { intent: 'about', matches: (c) => ABOUT.test(c.text) },
  { intent: 'greeting', matches: (c) => c.text.replace(GREETING_WORDS, '').replace(/[\s\p{P}\p{S}]/gu, '') === '' },
  { intent: 'question', matches: (c) => c.sentences.some(isQuestion) },
  { intent: 'thanks', matches: (c) => THANKS.test(c.text) },
  { intent: 'statement', matches: () => true },
];

export function detectIntent(context: IntentContext): Intent {
  return INTENT_RULES.find((rule) => rule.matches(context))?.intent ?? 'statement';
}

export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => s !== '');
}

function isQuestion(sentence: string): boolean {
  return sentence.includes('?') || QUESTION_START.test(sentence.toLowerCase().replace(LEADING_GREETING, ''));
}

/**
 * The prospect's first question, without a leading "Hi,", links or markup, bounded: what the reply
 * restates. A reply never repeats a link the prospect wrote, so it cannot be made to send them elsewhere.
 */
export function extractTopic(sentences: string[], maxChars: number): string {
  const question = sentences.find(isQuestion) ?? sentences[0] ?? '';
  const cleaned = question
    .replace(LEADING_GREETING, '')
    .replace(URL_LIKE, 'a link')
    .replace(MARKUP, '')
    .replace(/\s+/g, ' ')
    .trim();
  return clip(cleaned || 'your message', maxChars);
}

/** Shortens at a word boundary, marking the cut with an ellipsis. */
export function clip(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const cut = text.slice(0, maxChars - 1);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > maxChars / 2 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`;
}
