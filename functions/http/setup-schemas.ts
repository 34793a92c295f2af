/**
 * The wire shapes of products, strategies and goals (snake_case, per ../shared/CONTRACT.md). As in
 * common-schemas.ts, these validate requests and generate the OpenAPI document.
 */
import * as z from 'zod';
import { followUpResponse, followUpSchema } from '#functions/http/follow-up-schemas';
import {
  MAX_DESCRIPTION_CHARS,
  MAX_INSTRUCTIONS_CHARS,
  MAX_NAME_CHARS,
  MAX_PRICE_CHARS,
  MAX_PRODUCT_KNOWLEDGE_BASES,
  MAX_TONE_CHARS,
  MAX_URL_CHARS,
} from '#lib/domain/limits/setup';
import { idParam, timestamp } from '#functions/http/common-schemas';

const name = z.string().trim().min(1).max(MAX_NAME_CHARS);
const description = z.string().trim().min(1).max(MAX_DESCRIPTION_CHARS);

const price = z
  .string()
  .trim()
  .min(1)
  .max(MAX_PRICE_CHARS)
  .describe('Free text, as the AI should quote it to a prospect, e.g. "$49/month" or "from 1,200 EUR".');
const knowledgeBaseIds = z
  .array(idParam)
  .max(MAX_PRODUCT_KNOWLEDGE_BASES)
  .refine((ids) => new Set(ids).size === ids.length, 'must not name a knowledge base twice')
  .describe('Ids of knowledge bases about the product.');

const instructions = z.string().trim().min(1).max(MAX_INSTRUCTIONS_CHARS).describe('How the AI sells.');
const tone = z.string().trim().min(1).max(MAX_TONE_CHARS).describe('Free text, e.g. "warm, concise, no jargon".');

const goalUrl = z
  .string()
  .max(MAX_URL_CHARS)
  .refine(isHttpUrl, 'must be an http(s) URL, e.g. "https://example.com/book-a-demo"')
  .describe('Where the AI sends the prospect (a booking page, a checkout): an http(s) URL.');

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}

const managed = { id: z.string(), created_at: timestamp, updated_at: timestamp };

// ── Products ────────────────────────────────────────────────────────────────────────────────────
export const createProductBody = z
  .object({ name, description, price: price.optional(), knowledge_base_ids: knowledgeBaseIds.optional() })
  .strict();

export const updateProductBody = z
  .object({
    name: name.optional(),
    description: description.optional(),
    price: price.nullable().optional(),
    knowledge_base_ids: knowledgeBaseIds.nullable().optional(),
  })
  .strict();

export const productResponse = z.object({
  ...managed,
  name: z.string(),
  description: z.string(),
  price: z.string().optional(),
  knowledge_base_ids: z.array(z.string()),
});

// ── Strategies ──────────────────────────────────────────────────────────────────────────────────
export const createStrategyBody = z
  .object({ name, instructions, tone: tone.optional(), follow_up: followUpSchema.optional() })
  .strict();

export const updateStrategyBody = z
  .object({
    name: name.optional(),
    instructions: instructions.optional(),
    tone: tone.nullable().optional(),
    follow_up: followUpSchema.nullable().optional(),
  })
  .strict();

export const strategyResponse = z.object({
  ...managed,
  name: z.string(),
  instructions: z.string(),
  tone: z.string().optional(),
  follow_up: followUpResponse.optional().describe('The default follow-up behaviour of AIs using this strategy.'),
});

// ── Goals ───────────────────────────────────────────────────────────────────────────────────────
export const createGoalBody = z.object({ name, description, goal_url: goalUrl }).strict();

export const updateGoalBody = z
  .object({ name: name.optional(), description: description.optional(), goal_url: goalUrl.optional() })
  .strict();

export const goalResponse = z.object({
  ...managed,
  name: z.string(),
  description: z.string(),
  goal_url: z.string(),
});
