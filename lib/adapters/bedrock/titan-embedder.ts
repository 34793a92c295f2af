/**
 * Embeddings on Amazon Titan Text Embeddings V2 through Bedrock's InvokeModel, asked for
 * EMBEDDING_DIMENSIONS normalised floats. Titan takes one text per call, so a document's passages
 * go out a few calls at a time (EMBEDDING_CONCURRENCY) rather than in one batch as on OpenAI.
 */
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { bedrockClient } from '#lib/adapters/bedrock/bedrock-client';
import { rethrowBedrockFault } from '#lib/adapters/bedrock/bedrock-faults';
import { DEFAULT_BEDROCK_EMBEDDING_MODEL, TITAN_V2_DIMENSIONS } from '#lib/adapters/bedrock/models';
import { DEFAULT_EMBEDDING_TIMEOUT_MS, truncateInput } from '#lib/adapters/openai/openai-embedder';
import { EMBEDDING_DIMENSIONS } from '#lib/domain/limits/knowledge';
import { MalformedModelOutputError } from '#lib/domain/reply';
import type { Embedder } from '#lib/ports/knowledge';

/**
 * Calls in flight at once for one `embed`: a 500-passage document takes about a second and a
 * half at Titan's ~25 ms a call, and eight concurrent calls stay far within the account's default
 * quota of InvokeModel requests a minute, shared with the other functions.
 */
export const EMBEDDING_CONCURRENCY = 8;

/**
 * Attempts per call: the SDK retries throttling, 5xx and dropped connections with exponential
 * backoff and jitter (its standard mode), as the OpenAI SDK does for that embedder.
 */
export const EMBEDDING_MAX_ATTEMPTS = 3;

export interface TitanEmbedderOptions {
  /** @default DEFAULT_BEDROCK_EMBEDDING_MODEL */
  model?: string;
  /** One of TITAN_V2_DIMENSIONS. @default EMBEDDING_DIMENSIONS */
  dimensions?: number;
  /** A ready client (tests); otherwise one is built on the first call (bedrock-client.ts). */
  client?: BedrockRuntimeClient;
  timeoutMs?: number;
}

export class TitanEmbedder implements Embedder {
  readonly model: string;
  readonly dimensions: number;
  private readonly client: () => Promise<BedrockRuntimeClient>;

  constructor(options: TitanEmbedderOptions = {}) {
    this.model = options.model ?? DEFAULT_BEDROCK_EMBEDDING_MODEL;
    this.dimensions = options.dimensions ?? EMBEDDING_DIMENSIONS;
    if (!TITAN_V2_DIMENSIONS.includes(this.dimensions)) {
      throw new Error(
        `Titan Text Embeddings V2 returns ${TITAN_V2_DIMENSIONS.join(', ')} dimensions, not ${this.dimensions}`,
      );
    }
    this.client = bedrockClient(options.client, {
      maxAttempts: EMBEDDING_MAX_ATTEMPTS,
      timeoutMs: options.timeoutMs ?? DEFAULT_EMBEDDING_TIMEOUT_MS,
    });
  }

  /**
   * One unit vector of `dimensions` floats per text, in the order given, at most
   * EMBEDDING_CONCURRENCY calls at a time. The first call to fail (after the SDK's retries) fails
   * the whole: throttling and 5xx as ModelBusyError, denied access as ModelUnavailableError.
   */
  async embed(texts: string[]): Promise<Float32Array[]> {
    const vectors = new Array<Float32Array>(texts.length);
    let next = 0;
    const worker = async () => {
      while (next < texts.length) {
        const index = next++;
        vectors[index] = await this.embedOne(texts[index] as string);
      }
    };
    await Promise.all(Array.from({ length: Math.min(EMBEDDING_CONCURRENCY, texts.length) }, worker));
    return vectors;
  }

  private async embedOne(text: string): Promise<Float32Array> {
    const client = await this.client();
    const { InvokeModelCommand } = await import('@aws-sdk/client-bedrock-runtime');
    const body = JSON.stringify({ inputText: truncateInput(text), dimensions: this.dimensions, normalize: true });
    const response = await client
      .send(
        new InvokeModelCommand({
          modelId: this.model,
          contentType: 'application/json',
          accept: 'application/json',
          body,
        }),
      )
      .catch(rethrowBedrockFault);
    return this.readVector(new TextDecoder().decode(response.body));
  }

  private readVector(json: string): Float32Array {
    let embedding: unknown;
    try {
      embedding = (JSON.parse(json) as { embedding?: unknown }).embedding;
    } catch {
      throw new MalformedModelOutputError('embeddings: the answer is not JSON');
    }
    if (!Array.isArray(embedding) || !embedding.every((value) => typeof value === 'number')) {
      throw new MalformedModelOutputError('embeddings: the answer has no array of numbers in `embedding`');
    }
    if (embedding.length !== this.dimensions) {
      throw new MalformedModelOutputError(
        `embeddings: got ${embedding.length} dimensions, asked for ${this.dimensions} (is ${this.model} Titan Text Embeddings V2?)`,
      );
    }
    return Float32Array.from(embedding);
  }
}
