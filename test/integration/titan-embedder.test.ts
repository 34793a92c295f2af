import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_BEDROCK_EMBEDDING_MODEL } from '#lib/adapters/bedrock/models';
import { EMBEDDING_CONCURRENCY, EMBEDDING_MAX_ATTEMPTS, TitanEmbedder } from '#lib/adapters/bedrock/titan-embedder';
import { MAX_EMBEDDING_INPUT_CHARS } from '#lib/adapters/openai/openai-embedder';
import { EMBEDDING_DIMENSIONS } from '#lib/domain/limits/knowledge';
import { MalformedModelOutputError, ModelBusyError, ModelUnavailableError } from '#lib/domain/reply';
import { BEDROCK_ERRORS, type FakeBedrock, startFakeBedrock, useFakeBedrockEnv } from '#test/support/fake-bedrock';
import { fakeEmbedding } from '#test/support/fake-openai';

describe('TitanEmbedder against a fake Bedrock Runtime, through the real SDK client', () => {
  let fake: FakeBedrock;
  let restoreEnv: () => void;
  let embedder: TitanEmbedder;

  beforeAll(async () => {
    fake = await startFakeBedrock();
    restoreEnv = useFakeBedrockEnv(fake);
    embedder = new TitanEmbedder({ timeoutMs: 2_000 });
  });

  afterEach(() => {
    fake.reset();
    fake.setEmbeddingResponder(({ body }) => ({
      embedding: fakeEmbedding(body.inputText ?? '', body.dimensions ?? 0),
    }));
  });

  afterAll(async () => {
    restoreEnv();
    await fake.stop();
  });

  it('sends one InvokeModel per text asking for 256 normalised dimensions, and returns the vectors in order', async () => {
    const texts = ['Shipping to Canada', 'Refunds within 30 days', 'Opening hours'];

    const vectors = await embedder.embed(texts);

    expect(embedder).toMatchObject({ model: DEFAULT_BEDROCK_EMBEDDING_MODEL, dimensions: EMBEDDING_DIMENSIONS });
    expect(fake.embeddingRequests.map((r) => r.modelId)).toEqual(texts.map(() => DEFAULT_BEDROCK_EMBEDDING_MODEL));
    expect(fake.embeddingRequests.map((r) => r.body).sort((a, b) => a.inputText!.localeCompare(b.inputText!))).toEqual(
      [...texts].sort().map((inputText) => ({ inputText, dimensions: 256, normalize: true })),
    );
    expect(vectors.map((v) => Array.from(v))).toEqual(
      texts.map((text) => Array.from(Float32Array.from(fakeEmbedding(text, 256)))),
    );
  });

  it(`keeps at most ${EMBEDDING_CONCURRENCY} calls in flight`, async () => {
    let inFlight = 0;
    let most = 0;
    // Calls are held until the cap is reached (and a moment more, for any call past it to show),
    // so the figure does not depend on how fast a loaded machine sends them.
    let release = () => {};
    const full = new Promise<void>((resolve) => {
      release = resolve;
    });
    fake.setEmbeddingResponder(async ({ body }) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      if (inFlight >= EMBEDDING_CONCURRENCY) setTimeout(release, 100);
      await Promise.race([full, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      inFlight -= 1;
      return { embedding: fakeEmbedding(body.inputText ?? '', 256) };
    });
    const texts = Array.from({ length: EMBEDDING_CONCURRENCY * 3 }, (_, i) => `passage ${i}`);

    const vectors = await embedder.embed(texts);

    expect(vectors).toHaveLength(texts.length);
    expect(most).toBe(EMBEDDING_CONCURRENCY);
    expect(fake.embeddingRequests).toHaveLength(texts.length);
  });

  it('cuts a text longer than the model takes', async () => {
    await embedder.embed(['x'.repeat(MAX_EMBEDDING_INPUT_CHARS + 10)]);

    expect(fake.embeddingRequests[0]?.body.inputText).toHaveLength(MAX_EMBEDDING_INPUT_CHARS);
  });

  it('retries throttling with backoff and returns the vector that follows', async () => {
    fake.enqueueEmbeddings(BEDROCK_ERRORS.throttling, BEDROCK_ERRORS.throttling);

    const [vector] = await embedder.embed(['Shipping to Canada']);

    expect(vector).toHaveLength(256);
    expect(fake.embeddingRequests).toHaveLength(3);
  });

  it('reports throttling that outlasts the retries as ModelBusyError', async () => {
    fake.enqueueEmbeddings(...Array.from({ length: EMBEDDING_MAX_ATTEMPTS }, () => BEDROCK_ERRORS.throttling));

    const error = await embedder.embed(['Shipping to Canada']).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ModelBusyError);
    expect(fake.embeddingRequests).toHaveLength(EMBEDDING_MAX_ATTEMPTS);
  });

  it('reports denied access as ModelUnavailableError without retrying', async () => {
    fake.enqueueEmbeddings(BEDROCK_ERRORS.accessDenied);

    const error = await embedder.embed(['Shipping to Canada']).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect(fake.embeddingRequests).toHaveLength(1);
  });

  it('refuses a vector of another size as malformed', async () => {
    fake.enqueueEmbeddings({ embedding: fakeEmbedding('x', 1024) });

    await expect(embedder.embed(['Shipping to Canada'])).rejects.toThrow(
      new MalformedModelOutputError(
        `embeddings: got 1024 dimensions, asked for 256 (is ${DEFAULT_BEDROCK_EMBEDDING_MODEL} Titan Text Embeddings V2?)`,
      ),
    );
  });

  it('refuses dimensions Titan V2 cannot return', () => {
    expect(() => new TitanEmbedder({ dimensions: 300 })).toThrow(
      'Titan Text Embeddings V2 returns 256, 512, 1024 dimensions, not 300',
    );
  });
});
