/**
 * A deterministic chat model that needs no network and no key: the local runtime's default and
 * the demos' model. It recognises a few intents (offline-intents.ts) and answers each with a
 * plausible, honest reply: it states only what the business set up (a product's description and
 * price, a goal's exact link) and never invents prices or facts. A question that neither the
 * knowledge (offline-knowledge.ts's relevance gate) nor the sales setup answers gets an abstention:
 * it says plainly it does not know, escalates as `unanswerable`, at confidence low. Confidence
 * is high only when a passage, a correction or the setup answers; small talk is at most medium.
 * Same request, same reply.
 */
import type { ChatModel } from '#lib/ports/chat-model';
import type { ConfidenceLevel } from '#lib/domain/confidence';
import type { ModelEscalation } from '#lib/domain/types';
import type { ModelReply, ReplyRequest, SalesContext } from '#lib/domain/reply';
import { type FollowUp, findFollowUp } from '#lib/adapters/offline/offline-follow-up';
import { clip, detectIntent, extractTopic, type Intent, splitSentences } from '#lib/adapters/offline/offline-intents';
import {
  answerFromKnowledge,
  coverages,
  type KnowledgeAnswer,
  MIN_PASSAGE_COVERAGE,
  salientTerms,
} from '#lib/adapters/offline/offline-knowledge';

export const HUMAN_REQUEST_REASON = 'The prospect asked to talk to a person.';
/** The one line a colleague reads when the model abstains. */
export const UNANSWERABLE_REASON = 'The knowledge does not cover this question: a person should answer it.';
export const SMS_MAX_CHARS = 300;
const TOPIC_MAX_CHARS = 80;
const SMS_TOPIC_MAX_CHARS = 50;

/** One paragraph of a reply, optionally ending in a link (written as an anchor in html). */
interface Paragraph {
  text: string;
  link?: string;
}

interface ReplyContext {
  /** Set for a sales AI (empty when it references nothing); undefined for a support AI. */
  sales: SalesContext | undefined;
  topic: string;
  several: boolean;
  followUp: FollowUp | undefined;
}

type Body = {
  paragraphs: Array<string | Paragraph>;
  confidence: ConfidenceLevel;
  citations?: number[];
  /** Nothing the model was given answers the question: it says so and calls a person in. */
  abstains?: boolean;
};

/** The goal's exact link, offered once the prospect is interested. */
function goalOffer(sales: SalesContext | undefined, lead: string): Paragraph[] {
  const goal = sales?.goal;
  if (!goal) return [];
  const description = goal.description.trim().replace(/([^.!?])$/, '$1.');
  return [{ text: `${lead} ${goal.name}. ${description} Here is the link:`, link: goal.goalUrl }];
}

const BODIES: Record<Intent | 'follow_up', (c: ReplyContext) => Body> = {
  check_in: (c) => ({
    paragraphs: [
      c.sales
        ? 'Just checking in: is there anything I can help you with, or any question I can answer for you?'
        : 'Just checking in: is everything working as it should, or is there anything I can help with?',
    ],
    confidence: 'medium',
  }),
  human: (c) => ({
    paragraphs: [
      c.followUp
        ? `Of course. I have asked a colleague to get in touch with you on ${c.followUp.spoken}, as you asked.`
        : 'Of course. I have asked a colleague to look at your conversation, and they will be in touch with you personally shortly.',
    ],
    confidence: 'medium',
  }),
  follow_up: (c) => ({
    paragraphs: [
      `Of course. I will follow up with you on ${c.followUp?.spoken}, as you asked.`,
      'If anything comes up before then, just reply to this message.',
    ],
    confidence: 'medium',
  }),
  interest: (c) => {
    const product = c.sales?.product;
    const offer = goalOffer(c.sales, 'Great to hear! The next step:');
    return offer.length > 0
      ? { paragraphs: offer, confidence: 'high' }
      : {
          paragraphs: [
            `Great to hear${product ? ` that you are interested in ${product.name}` : ''}. What would you like to do next, or is there anything you would like to know first?`,
          ],
          confidence: 'medium',
        };
  },
  pricing: (c) => {
    // A support AI has no price of its own: a pricing question the knowledge does not cover is one it cannot answer.
    if (!c.sales) return BODIES.question(c);
    const product = c.sales.product;
    if (product?.price) {
      return {
        paragraphs: [
          `Happy to help with pricing: ${product.name} costs ${product.price}.`,
          ...goalOffer(c.sales, 'When you are ready, the next step:'),
        ],
        confidence: 'high',
      };
    }
    return {
      paragraphs: [
        'Happy to help with pricing. The price depends on the plan and options that fit your needs, so tell me a little about what you are looking for and I will point you to the best option.',
        ...goalOffer(c.sales, 'If you would like to go ahead, the next step:'),
      ],
      confidence: 'medium',
    };
  },
  about: (c) => {
    const product = c.sales?.product;
    if (!product) return BODIES.question(c);
    return {
      paragraphs: [
        `${product.name}: ${product.description}`,
        ...(product.price ? [`It costs ${product.price}.`] : []),
        'Is there anything else you would like to know?',
      ],
      confidence: 'high',
    };
  },
  greeting: (c) => ({
    paragraphs: [
      c.sales
        ? 'Thanks for reaching out. What are you looking for today? I am happy to help.'
        : 'Thanks for reaching out. How can I help you today?',
    ],
    confidence: 'medium',
  }),
  question: (c) => ({
    paragraphs: [
      `You asked: “${c.topic}”`,
      'I do not know the answer to that, so I have passed your question to a colleague, who will get back to you.',
    ],
    confidence: 'low',
    abstains: true,
  }),
  thanks: (c) => ({
    paragraphs: [
      c.sales
        ? 'Thank you, and have a great day! If you have any other questions, just reply to this message: I am always happy to help.'
        : 'Thank you, and have a great day! If anything else comes up, just reply to this message.',
    ],
    confidence: 'medium',
  }),
  statement: (c) => ({
    paragraphs: [
      `Thanks for your ${c.several ? 'messages' : 'message'}.`,
      c.sales
        ? 'I would be glad to help: what would you like to know, or is there anything specific you are looking for?'
        : 'I have noted it. Is there anything else I can help you with?',
    ],
    confidence: 'medium',
  }),
};

/** Intents whose reply a requested follow-up time replaces; the others mention it after their answer. */
const SMALL_TALK: ReadonlySet<Intent> = new Set(['greeting', 'question', 'thanks', 'statement']);

export class OfflineChatModel implements ChatModel {
  private readonly latencyMs: number;

  constructor(options: { latencyMs?: number } = {}) {
    this.latencyMs = options.latencyMs ?? 0;
  }

  /** Answers all pending messages in one reply (or writes a follow-up or nudge), shaped for the request's channel and format. */
  async generateReply(request: ReplyRequest): Promise<ModelReply> {
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const task = request.task ?? 'answer';
    // A follow-up or nudge answers nothing new: it picks the conversation up from its last turns.
    const sentences = task === 'answer' ? request.pending.flatMap((turn) => splitSentences(turn.text)) : [];
    const text = sentences.join(' ');
    const escalation = escalationOf(text.toLowerCase());
    const intent = escalation === 'none' ? detectIntent({ text: text.toLowerCase(), sentences }) : 'human';
    const followUp = await findFollowUp(text, new Date(request.now), request.contact.timezone);
    const sms = request.channel === 'sms';
    const context: ReplyContext = {
      sales: request.ai.type === 'sales' ? (request.sales ?? {}) : undefined,
      topic: extractTopic(sentences, sms ? SMS_TOPIC_MAX_CHARS : TOPIC_MAX_CHARS),
      several: request.pending.length > 1,
      followUp,
    };
    const body =
      task === 'follow_up'
        ? followUpBody(context)
        : (knowledgeBody(request, intent, text) ??
          setupBody(context, intent, text) ??
          BODIES[followUp && SMALL_TALK.has(intent) ? 'follow_up' : intent](context));
    const paragraphs = [salutation(request.contact.firstName), ...body.paragraphs].map(toParagraph);
    if (followUp && !SMALL_TALK.has(intent) && intent !== 'human') {
      paragraphs.push({ text: `I will also follow up with you on ${followUp.spoken}, as you asked.` });
    }
    if (request.channel === 'email') paragraphs.push({ text: `Best regards,\n${request.ai.name}` });
    const reply = sms ? fitSms(paragraphs, request.outputFormat) : format(paragraphs, request.outputFormat);
    const abstains = body.abstains === true;
    const needsHuman = intent === 'human' || abstains;
    return {
      text: reply,
      needsHuman,
      escalation: abstains ? 'unanswerable' : needsHuman && escalation === 'none' ? 'human_requested' : escalation,
      reason: abstains
        ? UNANSWERABLE_REASON
        : needsHuman
          ? (ESCALATION_REASONS[escalation] ?? HUMAN_REQUEST_REASON)
          : null,
      followUpAt: followUp?.at ?? null,
      language: request.ai.language ?? 'en',
      confidence: body.confidence,
      citations: body.citations ?? [],
    };
  }
}

/**
 * A reply from the knowledge when it fits: a confirmed answer for anything but a request for a
 * person; passages for questions the setup does not answer (a price or description it has wins).
 */
function knowledgeBody(request: ReplyRequest, intent: Intent, text: string): Body | undefined {
  if (intent === 'human' || !request.knowledge) return undefined;
  const product = request.ai.type === 'sales' ? request.sales?.product : undefined;
  const answer: KnowledgeAnswer | undefined = answerFromKnowledge(request, text);
  if (!answer) return undefined;
  const fromCorrection = request.knowledge.corrections.length > 0;
  const setupAnswers = (intent === 'pricing' && product?.price) || (intent === 'about' && product);
  const knowledgeIntents: ReadonlySet<Intent> = new Set(['question', 'statement', 'about', 'pricing']);
  if (!fromCorrection && (setupAnswers || !knowledgeIntents.has(intent))) return undefined;
  return answer;
}

/**
 * A sales AI's answer from its product when the question is about what the product description
 * covers (the same relevance gate as for passages): the description, not an abstention.
 */
function setupBody(c: ReplyContext, intent: Intent, text: string): Body | undefined {
  const product = c.sales?.product;
  if (intent !== 'question' || !product) return undefined;
  const [coverage = 0] = coverages(salientTerms(text), [`${product.name}\n${product.description}`]);
  return coverage >= MIN_PASSAGE_COVERAGE ? BODIES.about(c) : undefined;
}

const toParagraph = (p: string | Paragraph): Paragraph => (typeof p === 'string' ? { text: p } : p);

const LEGAL_THREAT = /\b(lawyers?|attorneys?|sue|suing|lawsuit|legal action|court|solicitor)\b/;
const COMPLAINT =
  /\b(complain|complaint|complaining|unacceptable|disgusted|furious|outraged|worst service|terrible service)\b/;

/** What the prospect's words alone say about calling a person in (the rest is for the intents). */
function escalationOf(text: string): ModelEscalation {
  if (LEGAL_THREAT.test(text)) return 'legal_threat';
  if (COMPLAINT.test(text)) return 'complaint';
  return 'none';
}

/** The one-line reason a colleague reads in the emergency webhook. */
const ESCALATION_REASONS: Partial<Record<ModelEscalation, string>> = {
  legal_threat: 'The prospect mentions legal action: a person should answer.',
  complaint: 'The prospect is complaining: a person should look at this.',
};

/** A follow-up at the time the prospect asked for: pick up where the conversation left off. */
function followUpBody(c: ReplyContext): Body {
  const offer = goalOffer(c.sales, 'When you are ready, the next step:');
  return {
    paragraphs: [
      'Following up as you asked. Is now a good time to pick up where we left off?',
      ...(offer.length > 0 ? offer : ['Just reply to this message with any question: I am happy to help.']),
    ],
    confidence: 'medium',
  };
}

function salutation(firstName: string | undefined): string {
  const name = firstName?.replace(/\s+/g, ' ').trim();
  return name ? `Hi ${name},` : 'Hi there,';
}

function format(paragraphs: Paragraph[], outputFormat: ReplyRequest['outputFormat']): string {
  if (outputFormat === 'text') return paragraphs.map((p) => (p.link ? `${p.text} ${p.link}` : p.text)).join('\n\n');
  return paragraphs
    .map((p) => {
      const link = p.link ? ` <a href="${escapeHtml(p.link)}">${escapeHtml(p.link)}</a>` : '';
      return `<p>${escapeHtml(p.text).replaceAll('\n', '<br>')}${link}</p>`;
    })
    .join('');
}

/**
 * One line under the SMS limit, measured after formatting (escaping can lengthen it). The text is
 * shortened, never the goal link: it goes last, whole.
 */
function fitSms(paragraphs: Paragraph[], outputFormat: ReplyRequest['outputFormat']): string {
  const linked = paragraphs.find((p) => p.link);
  const head = paragraphs
    .filter((p) => p !== linked)
    .map((p) => p.text.replaceAll('\n', ' '))
    .join(' ');
  const tail = linked ? ` ${linked.text}` : '';
  for (let budget = SMS_MAX_CHARS - 1 - tail.length; budget > 0; budget -= 10) {
    const formatted = format([{ ...linked, text: `${clip(head, budget)}${tail}` }], outputFormat);
    if (formatted.length < SMS_MAX_CHARS) return formatted;
  }
  return format([linked ?? { text: 'Thanks for your message.' }], outputFormat);
}

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}
