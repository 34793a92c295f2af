import { CHAT_MODEL_PRICES, chatModelCosts, chatModelPrice, EMBEDDING_MODEL_PRICES } from '../../bench/model-prices.ts';
import { parseInfraConfig } from '../../infra/config.ts';

const defaults = parseInfraConfig(() => undefined);

describe('model list prices (bench/model-prices.ts)', () => {
  it('prices the default chat and embedding models of both providers, and a Claude model', () => {
    const chat = CHAT_MODEL_PRICES.map((price) => price.model);
    const embeddings = EMBEDDING_MODEL_PRICES.map((price) => price.model);

    expect(chat).toEqual(expect.arrayContaining([defaults.chatModel, defaults.bedrockChatModel]));
    expect(chat.some((model) => model.includes('anthropic.claude'))).toBe(true);
    expect(embeddings).toEqual(expect.arrayContaining([defaults.embeddingModel, defaults.bedrockEmbeddingModel]));
  });

  it('gives every price its source page and the date it was taken', () => {
    for (const price of [...CHAT_MODEL_PRICES, ...EMBEDDING_MODEL_PRICES]) {
      expect(price.source).toMatch(/^https:\/\/(openai\.com|aws\.amazon\.com)\//);
      expect(price.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('prices the same tokens for each chat model per 1,000 messages, saying which price and source it used', () => {
    const costs = chatModelCosts({ inputPerMessage: 1000, outputPerMessage: 100 });
    const nova = costs.find((cost) => cost.model === 'us.amazon.nova-lite-v1:0');

    // 1M input tokens at $0.06 and 100k output tokens at $0.24 per 1M.
    expect(nova?.usdPerThousandMessages).toEqual({ input: 0.06, output: 0.024, total: 0.084 });
    expect(nova?.price).toBe(
      '$0.06 / $0.24 per 1M tokens in / out, list price as of 2026-12-02, source https://aws.amazon.com/bedrock/pricing/',
    );
    expect(costs.map((cost) => cost.provider)).toEqual(expect.arrayContaining(['openai', 'bedrock']));
  });

  it('refuses to price a chat model it has no list price for', () => {
    expect(() => chatModelPrice('gpt-5-huge')).toThrow('no list price for the chat model gpt-5-huge');
  });
});
