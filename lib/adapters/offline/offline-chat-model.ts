/**
 * A deterministic chat model that needs no network and no key: the local runtime's default and
 * the demos' model. It recognises a few intents with an ordered rule table and answers each with
 * a plausible, honest reply (it never invents prices or facts). Same request, same reply.
 */
import type { ChatModel } from '#lib/ports';
import { parseModelReply, type ModelReply, type ReplyRequest } from '#lib/domain/reply';

export const HUMAN_REQUEST_REASON = 'prospect_asked_for_human';
export const SMS_MAX_CHARS = 300;
const TOPIC_MAX_CHARS = 80;
const SMS_TOPIC_MAX_CHARS = 50;

type Intent = 'human' | 'pricing' | 'greeting' | 'question' | 'thanks' | 'statement' | 'check_in';

interface IntentContext {
  /** All pending messages, joined and lower-cased. */
  text: string;
  /** The pending messages' sentences, as written. */
  sentences: string[];
}

interface ReplyContext {
  sales: boolean;
  topic: string;
  several: boolean;
}

const HUMAN_PATTERNS = [
  /\b(speak|talk|chat)\s+(to|with)\s+(a|an|the|your|some)?\s*(real\s+|actual\s+|live\s+)?(person|human|agent|someone|somebody|representative|rep|manager|operator)\b/,
  /\b(want|need|get)\s+(a|an)\s+(real\s+)?(human|person|agent|representative)\b/,
  /\b(real|actual|live)\s+(person|human|agent)\b/,
  /\b(call|phone|ring)\s+me\b/,
  /\b(manager|supervisor|complaint|complain|complaining)\b/,
];
const PRICING = /\b(price[sd]?|pricing|costs?|how\s+much|an?\s+quote|fees?|expensive|cheap(er)?|discounts?)\b/;
const GREETING_WORDS =
  /\b(hi|hello|hey|hiya|howdy|greetings|good\s+(morning|afternoon|evening|day)|how\s+are\s+you(\s+doing)?(\s+today)?|there|all|everyone|team)\b/g;
const LEADING_GREETING = /^(hi|hello|hey|hiya|good\s+(morning|afternoon|evening))\b[\s,!.]*/i;
const QUESTION_START = /^(what|how|when|where|why|who|which|can|could|do|does|did|is|are|will|would|should)\b/;
const THANKS = /\b(thanks|thank\s+you|thx|cheers|bye|goodbye|see\s+you|have\s+a\s+(good|great|nice))\b/;

/** Ordered: the first rule that matches decides the reply. */
const INTENT_RULES: ReadonlyArray<{ intent: Intent; matches: (c: IntentContext) => boolean }> = [
  { intent: 'check_in', matches: (c) => c.text.trim() === '' },
  { intent: 'human', matches: (c) => HUMAN_PATTERNS.some((p) => p.test(c.text)) },
  { intent: 'pricing', matches: (c) => PRICING.test(c.text) },
  { intent: 'greeting', matches: (c) => c.text.replace(GREETING_WORDS, '').replace(/[\s\p{P}\p{S}]/gu, '') === '' },
  { intent: 'question', matches: (c) => c.sentences.some(isQuestion) },
  { intent: 'thanks', matches: (c) => THANKS.test(c.text) },
  { intent: 'statement', matches: () => true },
];

const BODIES: Record<Intent, (c: ReplyContext) => string[]> = {
  check_in: (c) => [
    c.sales
      ? 'Just checking in: is there anything I can help you with, or any question I can answer for you?'
      : 'Just checking in: is everything working as it should, or is there anything I can help with?',
  ],
  human: () => [
    'Of course. I have asked a colleague to look at your conversation, and they will be in touch with you personally shortly.',
  ],
  pricing: (c) => [
    c.sales
      ? 'Happy to help with pricing. The price depends on the plan and options that fit your needs, so tell me a little about what you are looking for and I will point you to the best option.'
      : 'Happy to help with your pricing question. Could you tell me which plan or product it is about, so I can give you the right details?',
  ],
  greeting: (c) => [
    c.sales
      ? 'Thanks for reaching out. What are you looking for today? I am happy to help.'
      : 'Thanks for reaching out. How can I help you today?',
  ],
  question: (c) => [
    `You asked: “${c.topic}”`,
    c.sales
      ? 'Good question. Could you tell me a little more about what you need, so I can give you an accurate answer and suggest the best option for you?'
      : 'I am looking into it. Could you share any details that might help, such as what you have tried so far?',
  ],
  thanks: (c) => [
    c.sales
      ? 'Thank you, and have a great day! If you have any other questions, just reply to this message: I am always happy to help.'
      : 'Thank you, and have a great day! If anything else comes up, just reply to this message.',
  ],
  statement: (c) => [
    `Thanks for your ${c.several ? 'messages' : 'message'}.`,
    c.sales
      ? 'I would be glad to help: what would you like to know, or is there anything specific you are looking for?'
      : 'I have noted it. Is there anything else I can help you with?',
  ],
};

export class OfflineChatModel implements ChatModel {
  private readonly latencyMs: number;

  constructor(options: { latencyMs?: number } = {}) {
    this.latencyMs = options.latencyMs ?? 0;
  }

  /** Answers all pending messages in one reply, shaped for the request's channel and format. */
  async generateReply(request: ReplyRequest): Promise<ModelReply> {
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const sentences = request.pending.flatMap((turn) => splitSentences(turn.text));
    const intent = detectIntent({ text: sentences.join(' ').toLowerCase(), sentences });
    const sms = request.channel === 'sms';
    const paragraphs = [
      salutation(request.contact.firstName),
      ...BODIES[intent]({
        sales: request.ai.type === 'sales',
        topic: extractTopic(sentences, sms ? SMS_TOPIC_MAX_CHARS : TOPIC_MAX_CHARS),
        several: request.pending.length > 1,
      }),
    ];
    if (request.channel === 'email') paragraphs.push(`Best regards,\n${request.ai.name}`);
    const reply = sms ? fitSms(paragraphs.join(' '), request.outputFormat) : format(paragraphs, request.outputFormat);
    const needsHuman = intent === 'human';
    return parseModelReply({
      reply,
      needs_human: needsHuman,
      reason: needsHuman ? HUMAN_REQUEST_REASON : null,
      follow_up_at: null,
      language: request.ai.language ?? 'en',
    });
  }
}

function detectIntent(context: IntentContext): Intent {
  return INTENT_RULES.find((rule) => rule.matches(context))?.intent ?? 'statement';
}

function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => s !== '');
}

function isQuestion(sentence: string): boolean {
  return sentence.includes('?') || QUESTION_START.test(sentence.toLowerCase().replace(LEADING_GREETING, ''));
}

/** The prospect's first question, without a leading "Hi,", bounded: what the reply restates. */
function extractTopic(sentences: string[], maxChars: number): string {
  const question = sentences.find(isQuestion) ?? sentences[0] ?? '';
  return clip(question.replace(LEADING_GREETING, '') || question, maxChars);
}

function salutation(firstName: string | undefined): string {
  const name = firstName?.replace(/\s+/g, ' ').trim();
  return name ? `Hi ${name},` : 'Hi there,';
}

function format(paragraphs: string[], outputFormat: ReplyRequest['outputFormat']): string {
  if (outputFormat === 'text') return paragraphs.join('\n\n');
  return paragraphs.map((p) => `<p>${escapeHtml(p).replaceAll('\n', '<br>')}</p>`).join('');
}

/** One line under the SMS limit, measured after formatting (escaping can lengthen it). */
function fitSms(line: string, outputFormat: ReplyRequest['outputFormat']): string {
  for (let budget = SMS_MAX_CHARS - 1; budget > 0; budget -= 10) {
    const formatted = format([clip(line, budget)], outputFormat);
    if (formatted.length < SMS_MAX_CHARS) return formatted;
  }
  return format(['Thanks for your message.'], outputFormat);
}

/** Shortens at a word boundary, marking the cut with an ellipsis. */
function clip(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const cut = text.slice(0, maxChars - 1);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > maxChars / 2 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`;
}

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}
