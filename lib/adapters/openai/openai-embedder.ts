/**
 * Embeddings on OpenAI's Embeddings API (or any OpenAI-compatible base URL), shortened to
 * EMBEDDING_DIMENSIONS. Vectors travel as base64 float32 (a third of the JSON size); a compatible
 * server that answers with plain float arrays instead is understood too.
 */
import type OpenAI from 'openai';
import { openAiClient } from '#lib/adapters/openai/openai-client';
import { EMBEDDING_DIMENSIONS } from '#lib/domain/limits/knowledge';
import { MalformedModelOutputError } from '#lib/domain/reply';
import type { Embedder } from '#lib/ports/knowledge';

export const DEFAULT_EMBEDDING_MODEL = 'text-embedding-3-small';

/** Inputs per request: a few requests for a long document, each well under the API's 2,048-input cap. */
export const EMBEDDING_BATCH_SIZE = 96;

/**
 * Longest input sent, in characters; longer ones are cut. The model takes 8,191 tokens; English runs
 * about four characters a token and dense scripts about one, so 8,000 characters fit nearly any
 * text. Passages are far shorter; this only keeps one odd input from failing its whole batch.
 */
export const MAX_EMBEDDING_INPUT_CHARS = 8_000;

/** Characters in one request at most, within the API's 300,000 tokens a request even at a token a character. */
export const MAX_EMBEDDING_REQUEST_CHARS = 200_000;

export const DEFAULT_EMBEDDING_TIMEOUT_MS = 30_000;

/** The SDK retries transport failures, 408/409/429 and 5xx with backoff; we do not add our own. */
const SDK_MAX_RETRIES = 2;

export interface OpenAiEmbedderOptions {
  /** @default DEFAULT_EMBEDDING_MODEL */
  model?: string;
  /** @default EMBEDDING_DIMENSIONS */
  dimensions?: number;
  /** A ready client (tests, or a shared one); otherwise one is built from the options below. */
  client?: OpenAI;
  apiKey?: string;
  baseUrl?: string;
  timeoutMs?: number;
}

export class OpenAiEmbedder implements Embedder {
  readonly model: string;
  readonly dimensions: number;
  /** The SDK client, imported and built on the first request (openai-client.ts says why). */
  private readonly client: () => Promise<OpenAI>;

  constructor(options: OpenAiEmbedderOptions = {}) {
    this.model = options.model ?? DEFAULT_EMBEDDING_MODEL;
    this.dimensions = options.dimensions ?? EMBEDDING_DIMENSIONS;
    this.client = openAiClient(options.client, {
      apiKey: options.apiKey,
      baseURL: options.baseUrl,
      timeout: options.timeoutMs ?? DEFAULT_EMBEDDING_TIMEOUT_MS,
      maxRetries: SDK_MAX_RETRIES,
    });
  }

  /**
   * One vector of `dimensions` floats per text, in the order given. Batches are sent one after
   * another (a document's worth stays within rate limits). Transport errors, after the SDK's own
   * retries, propagate as the SDK's errors; an unusable answer is a MalformedModelOutputError.
   */
  async embed(texts: string[]): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    for (const batch of toBatches(texts.map(truncateInput))) {
      vectors.push(...(await this.embedBatch(batch)));
    }
    return vectors;
  }

  private async embedBatch(inputs: string[]): Promise<Float32Array[]> {
    const response = await (await this.client()).embeddings.create({
      model: this.model,
      input: inputs,
      dimensions: this.dimensions,
      encoding_format: 'base64',
    });
    if (response.data.length !== inputs.length) {
      throw new MalformedModelOutputError(
        `embeddings: asked for ${inputs.length} vectors, got ${response.data.length}`,
      );
    }
    const vectors = new Array<Float32Array | undefined>(inputs.length);
    for (const item of response.data) {
      if (!Number.isInteger(item.index) || item.index < 0 || item.index >= inputs.length || vectors[item.index]) {
        throw new MalformedModelOutputError(`embeddings: unexpected or repeated index ${item.index}`);
      }
      const vector = decodeEmbedding(item.embedding as unknown);
      if (vector.length !== this.dimensions) {
        throw new MalformedModelOutputError(
          `embeddings: got ${vector.length} dimensions, asked for ${this.dimensions} (does model ${this.model} support shortened vectors?)`,
        );
      }
      vectors[item.index] = vector;
    }
    return vectors as Float32Array[];
  }
}

/** Splits inputs into requests of at most EMBEDDING_BATCH_SIZE inputs and MAX_EMBEDDING_REQUEST_CHARS characters. */
function toBatches(inputs: string[]): string[][] {
  const batches: string[][] = [];
  let batch: string[] = [];
  let chars = 0;
  for (const input of inputs) {
    if (
      batch.length === EMBEDDING_BATCH_SIZE ||
      (batch.length > 0 && chars + input.length > MAX_EMBEDDING_REQUEST_CHARS)
    ) {
      batches.push(batch);
      batch = [];
      chars = 0;
    }
    batch.push(input);
    chars += input.length;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/** Cuts an input to MAX_EMBEDDING_INPUT_CHARS, never between the two halves of a surrogate pair. */
export function truncateInput(text: string): string {
  if (text.length <= MAX_EMBEDDING_INPUT_CHARS) return text;
  const cut = text.slice(0, MAX_EMBEDDING_INPUT_CHARS);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

/** A base64 string of little-endian float32s (what was asked for), or a plain array of numbers. */
function decodeEmbedding(embedding: unknown): Float32Array {
  if (typeof embedding === 'string') {
    const bytes = Buffer.from(embedding, 'base64');
    if (bytes.byteLength % Float32Array.BYTES_PER_ELEMENT !== 0) {
      throw new MalformedModelOutputError('embeddings: a base64 vector is not a whole number of float32s');
    }
    // Copied: a Buffer's offset into its pool need not be float-aligned.
    return new Float32Array(new Uint8Array(bytes).buffer);
  }
  if (Array.isArray(embedding) && embedding.every((value) => typeof value === 'number')) {
    return Float32Array.from(embedding);
  }
  throw new MalformedModelOutputError('embeddings: a vector is neither base64 nor an array of numbers');
}
