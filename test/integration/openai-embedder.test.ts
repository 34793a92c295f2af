import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import OpenAI from 'openai';
import {
  EMBEDDING_BATCH_SIZE,
  MAX_EMBEDDING_INPUT_CHARS,
  MAX_EMBEDDING_REQUEST_CHARS,
  OpenAiEmbedder,
  truncateInput,
} from '#lib/adapters/openai/openai-embedder';
import { EMBEDDING_DIMENSIONS } from '#lib/domain/limits/knowledge';
import { MalformedModelOutputError } from '#lib/domain/reply';
import { type FakeOpenAi, fakeEmbedding, fakeEmbeddingReply, startFakeOpenAi } from '#test/support/fake-openai';

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, i) => sum + value * (b[i] ?? 0), 0);

describe('OpenAiEmbedder against a fake OpenAI server', () => {
  let fake: FakeOpenAi;
  let embedder: OpenAiEmbedder;

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    // One SDK retry and a short timeout: a failing server fails the test quickly.
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: fake.baseUrl, maxRetries: 1, timeout: 2_000 });
    embedder = new OpenAiEmbedder({ client });
  });

  afterEach(() => {
    fake.embeddingRequests.length = 0;
    fake.setEmbeddingResponder(fakeEmbeddingReply);
  });

  afterAll(async () => {
    await fake.stop();
  });

  it('asks for the default model, shortened vectors and base64, and returns one vector per text', async () => {
    const texts = ['Do you ship to Canada?', 'Shipping to Canada takes five days.'];

    const vectors = await embedder.embed(texts);

    expect(fake.embeddingRequests).toEqual([
      { model: 'text-embedding-3-small', input: texts, dimensions: EMBEDDING_DIMENSIONS, encoding_format: 'base64' },
    ]);
    expect(embedder).toMatchObject({ model: 'text-embedding-3-small', dimensions: EMBEDDING_DIMENSIONS });
    expect(vectors).toHaveLength(2);
    vectors.forEach((vector, i) => {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(vector).toHaveLength(EMBEDDING_DIMENSIONS);
      expect(vector[0]).toBeCloseTo(fakeEmbedding(texts[i] ?? '', EMBEDDING_DIMENSIONS)[0] ?? Number.NaN, 6);
    });
  });

  it('gives texts that share words closer vectors than unrelated ones', async () => {
    const [question, answer, unrelated] = await embedder.embed([
      'How long does shipping to Canada take?',
      'Shipping to Canada takes five working days.',
      'Our office dog is called Biscuit.',
    ]);

    expect(cosine(question!, answer!)).toBeGreaterThan(cosine(question!, unrelated!) + 0.2);
  });

  it(`sends more than ${EMBEDDING_BATCH_SIZE} texts in batches and keeps their order`, async () => {
    const texts = Array.from({ length: 2 * EMBEDDING_BATCH_SIZE + 8 }, (_, i) => `passage number ${i}`);

    const vectors = await embedder.embed(texts);

    expect(fake.embeddingRequests.map((request) => (request.input as string[]).length)).toEqual([
      EMBEDDING_BATCH_SIZE,
      EMBEDDING_BATCH_SIZE,
      8,
    ]);
    expect(fake.embeddingRequests.flatMap((request) => request.input as string[])).toEqual(texts);
    vectors.forEach((vector, i) => {
      expect(vector[0]).toBeCloseTo(fakeEmbedding(texts[i] ?? '', EMBEDDING_DIMENSIONS)[0] ?? Number.NaN, 6);
    });
  });

  it('starts a new request before one would exceed the character budget', async () => {
    const texts = Array.from({ length: 30 }, (_, i) => `${i} ${'word '.repeat(MAX_EMBEDDING_INPUT_CHARS / 5 - 1)}`);

    await embedder.embed(texts);

    const sizes = fake.embeddingRequests.map((request) => (request.input as string[]).join('').length);
    expect(sizes.length).toBeGreaterThan(1);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(MAX_EMBEDDING_REQUEST_CHARS);
    expect(fake.embeddingRequests.flatMap((request) => request.input as string[])).toHaveLength(30);
  });

  it('puts the vectors in input order by their index, whatever order the server lists them in', async () => {
    fake.setEmbeddingResponder(async (request) => {
      const reply = fakeEmbeddingReply(request);
      const vectors = 'vectors' in reply ? reply.vectors : [];
      const data = vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })).reverse();
      return { status: 200, body: { object: 'list', data, model: request.model, usage: {} } };
    });

    const [first, second] = await embedder.embed(['alpha', 'beta']);

    expect(first?.[0]).toBeCloseTo(fakeEmbedding('alpha', EMBEDDING_DIMENSIONS)[0] ?? Number.NaN, 6);
    expect(second?.[0]).toBeCloseTo(fakeEmbedding('beta', EMBEDDING_DIMENSIONS)[0] ?? Number.NaN, 6);
    expect(cosine(first!, second!)).toBeLessThan(0.99);
  });

  it('understands a compatible server that answers with float arrays though base64 was asked for', async () => {
    fake.setEmbeddingResponder((request) => ({ ...fakeEmbeddingReply(request), encoding: 'float' }));

    const [vector] = await embedder.embed(['plain floats']);

    expect(Array.from(vector ?? [])).toEqual(
      Array.from(Float32Array.from(fakeEmbedding('plain floats', EMBEDDING_DIMENSIONS))),
    );
  });

  it('cuts an overlong text rather than letting it fail the batch', async () => {
    await embedder.embed(['x'.repeat(MAX_EMBEDDING_INPUT_CHARS * 3), 'short']);

    expect(fake.embeddingRequests[0]?.input).toEqual(['x'.repeat(MAX_EMBEDDING_INPUT_CHARS), 'short']);
  });

  it('sends nothing for no texts', async () => {
    expect(await embedder.embed([])).toEqual([]);
    expect(fake.embeddingRequests).toEqual([]);
  });

  it('passes its model and dimensions on', async () => {
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: fake.baseUrl, maxRetries: 0 });
    const large = new OpenAiEmbedder({ client, model: 'text-embedding-3-large', dimensions: 64 });

    const [vector] = await large.embed(['hello']);

    expect(fake.embeddingRequests[0]).toMatchObject({ model: 'text-embedding-3-large', dimensions: 64 });
    expect(vector).toHaveLength(64);
  });

  it('refuses vectors of another size than asked for (a server that ignores `dimensions`)', async () => {
    fake.setEmbeddingResponder((request) => fakeEmbeddingReply({ ...request, dimensions: 1536 }));

    await expect(embedder.embed(['hello'])).rejects.toThrow(MalformedModelOutputError);
  });

  it('refuses an answer with fewer vectors than texts', async () => {
    fake.setEmbeddingResponder(() => ({ vectors: [fakeEmbedding('only one', EMBEDDING_DIMENSIONS)] }));

    await expect(embedder.embed(['one', 'two'])).rejects.toThrow(/asked for 2 vectors, got 1/);
  });

  it('throws the SDK error once its retries of an HTTP 500 are spent', async () => {
    fake.setEmbeddingResponder(() => ({ status: 500 }));

    await expect(embedder.embed(['hello'])).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    // The first attempt and the one retry the client allows.
    expect(fake.embeddingRequests).toHaveLength(2);
  });
});

describe('truncateInput', () => {
  it('leaves a text within the limit alone', () => {
    expect(truncateInput('hello')).toBe('hello');
  });

  it('never cuts a surrogate pair in half', () => {
    const text = `${'a'.repeat(MAX_EMBEDDING_INPUT_CHARS - 1)}😀 and more`;

    const cut = truncateInput(text);

    expect(cut).toBe('a'.repeat(MAX_EMBEDDING_INPUT_CHARS - 1));
  });
});
