/**
 * List prices of the models Parley can answer with, per provider, each with where it was read and
 * when. The cost model (bench/cost-model.ts) prices its measured tokens with them, and
 * docs/costs.md compares the providers from its output.
 *
 * These were written down on 2026-12-02 without network access, from the pricing pages as last
 * read: check each against its source before relying on a figure. On-demand, standard tier, no
 * batch or cached-input discounts, us-east-1 for Bedrock. A cross-region inference profile costs
 * what the model costs in the region the request comes from.
 */

const OPENAI_PRICING = 'https://openai.com/api/pricing/';
const BEDROCK_PRICING = 'https://aws.amazon.com/bedrock/pricing/';
const PRICES_AS_OF = '2026-12-02';

export interface ChatModelPrice {
  provider: 'openai' | 'bedrock';
  /** The model id as the stack takes it (`-c chatModel=…` or `-c bedrockChatModel=…`). */
  model: string;
  label: string;
  usdPerMillionInputTokens: number;
  usdPerMillionOutputTokens: number;
  source: string;
  asOf: string;
}

export interface EmbeddingModelPrice {
  provider: 'openai' | 'bedrock';
  model: string;
  label: string;
  usdPerMillionTokens: number;
  source: string;
  asOf: string;
}

/** The stack's default chat model of each provider first, then one Claude for comparison. */
export const CHAT_MODEL_PRICES: readonly ChatModelPrice[] = Object.freeze([
  {
    provider: 'openai',
    model: 'gpt-4o-mini',
    label: 'OpenAI gpt-4o-mini',
    usdPerMillionInputTokens: 0.15,
    usdPerMillionOutputTokens: 0.6,
    source: OPENAI_PRICING,
    asOf: PRICES_AS_OF,
  },
  {
    provider: 'bedrock',
    model: 'us.amazon.nova-lite-v1:0',
    label: 'Amazon Nova Lite (Bedrock)',
    usdPerMillionInputTokens: 0.06,
    usdPerMillionOutputTokens: 0.24,
    source: BEDROCK_PRICING,
    asOf: PRICES_AS_OF,
  },
  {
    provider: 'bedrock',
    model: 'us.amazon.nova-micro-v1:0',
    label: 'Amazon Nova Micro (Bedrock)',
    usdPerMillionInputTokens: 0.035,
    usdPerMillionOutputTokens: 0.14,
    source: BEDROCK_PRICING,
    asOf: PRICES_AS_OF,
  },
  {
    provider: 'bedrock',
    model: 'us.anthropic.claude-3-5-haiku-20241022-v1:0',
    label: 'Anthropic Claude 3.5 Haiku (Bedrock)',
    usdPerMillionInputTokens: 0.8,
    usdPerMillionOutputTokens: 4.0,
    source: BEDROCK_PRICING,
    asOf: PRICES_AS_OF,
  },
]);

/** The stack's default embedding model of each provider. */
export const EMBEDDING_MODEL_PRICES: readonly EmbeddingModelPrice[] = Object.freeze([
  {
    provider: 'openai',
    model: 'text-embedding-3-small',
    label: 'OpenAI text-embedding-3-small',
    usdPerMillionTokens: 0.02,
    source: OPENAI_PRICING,
    asOf: PRICES_AS_OF,
  },
  {
    provider: 'bedrock',
    model: 'amazon.titan-embed-text-v2:0',
    label: 'Amazon Titan Text Embeddings V2 (Bedrock)',
    usdPerMillionTokens: 0.02,
    source: BEDROCK_PRICING,
    asOf: PRICES_AS_OF,
  },
]);

export interface ModelCost {
  provider: ChatModelPrice['provider'];
  model: string;
  label: string;
  usdPerThousandMessages: { input: number; output: number; total: number };
  /** e.g. `$0.06 / $0.24 per 1M tokens in / out, list price as of 2026-12-02, source https://…`. */
  price: string;
}

/**
 * What each chat model costs per 1,000 answered messages for the same tokens. The counts come from
 * the prompts Parley builds (characters / 4): every model's tokenizer counts a little differently,
 * and Bedrock's tool definition stands in for OpenAI's response schema at about the same length.
 */
export function chatModelCosts(tokens: { inputPerMessage: number; outputPerMessage: number }): ModelCost[] {
  return CHAT_MODEL_PRICES.map((price) => {
    const input = (tokens.inputPerMessage * price.usdPerMillionInputTokens) / 1000;
    const output = (tokens.outputPerMessage * price.usdPerMillionOutputTokens) / 1000;
    return {
      provider: price.provider,
      model: price.model,
      label: price.label,
      usdPerThousandMessages: { input: round6(input), output: round6(output), total: round6(input + output) },
      price:
        `$${price.usdPerMillionInputTokens} / $${price.usdPerMillionOutputTokens} per 1M tokens in / out, ` +
        `list price as of ${price.asOf}, source ${price.source}`,
    };
  });
}

/** The price of `model` among CHAT_MODEL_PRICES; throws for one not listed. */
export function chatModelPrice(model: string): ChatModelPrice {
  const price = CHAT_MODEL_PRICES.find((candidate) => candidate.model === model);
  if (!price) throw new Error(`no list price for the chat model ${model} in bench/model-prices.ts`);
  return price;
}

function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
