/**
 * Which Bedrock models Parley uses by default, and which it can use at all. Pure (no SDK): the
 * configuration, the composition root and the stack's synth-time check import it alike, so the
 * stack cannot deploy a model the adapter would refuse.
 */

/**
 * Amazon Nova Lite through its US cross-region inference profile: forces a tool, cheap, and
 * served from several US regions without a provisioned throughput.
 */
export const DEFAULT_BEDROCK_CHAT_MODEL = 'us.amazon.nova-lite-v1:0';

/** Amazon Titan Text Embeddings V2, asked for EMBEDDING_DIMENSIONS (256) normalised floats. */
export const DEFAULT_BEDROCK_EMBEDDING_MODEL = 'amazon.titan-embed-text-v2:0';

/** The vector sizes Titan Text Embeddings V2 can return. */
export const TITAN_V2_DIMENSIONS: readonly number[] = [256, 512, 1024];

/**
 * Prefixes of cross-region (system-defined) inference profile ids, e.g. `us.` in
 * `us.amazon.nova-lite-v1:0`: the rest is the foundation model's id.
 * Source: https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html (2026-12-02).
 */
export const INFERENCE_PROFILE_PREFIXES: readonly string[] = ['us', 'us-gov', 'eu', 'apac', 'jp', 'au', 'ca', 'global'];

/** The model families whose tool use can be forced (`toolChoice: {tool}`), as a sentence names them. */
export const FORCED_TOOL_FAMILIES = 'Anthropic Claude 3 and later, or Amazon Nova (Micro, Lite, Pro, Premier)';

/**
 * Foundation-model ids whose tool use the Converse API can force: Claude 3 (`claude-3-…`, `3-5`,
 * `3-7`) and the later `claude-{opus,sonnet,haiku}-N`; Nova's text models, first and second
 * generation. Claude 2 and Instant, Titan Text, Llama, Mistral and the rest accept tools at
 * most as a suggestion, so their replies could not be held to the reply schema.
 * Source: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ToolChoice.html (2026-12-02).
 */
const FORCED_TOOL_MODELS: readonly RegExp[] = [
  /^anthropic\.claude-(3|(opus|sonnet|haiku)-\d)/,
  /^amazon\.nova-(\d+-)?(micro|lite|pro|premier)-/,
];

/** A model id split into the foundation model and, for a cross-region inference profile, its prefix. */
export interface BedrockModelId {
  /** e.g. `amazon.nova-lite-v1:0`. */
  foundationModelId: string;
  /** e.g. `us` for `us.amazon.nova-lite-v1:0`; absent for a foundation model's own id. */
  profilePrefix?: string;
}

/**
 * Reads a model id as the Converse API takes it: a foundation model id, a cross-region inference
 * profile id, or the ARN of either (`…:foundation-model/…`, `…:inference-profile/…`).
 */
export function parseBedrockModelId(modelId: string): BedrockModelId {
  const id = modelId.startsWith('arn:') ? modelId.slice(modelId.lastIndexOf('/') + 1) : modelId;
  const dot = id.indexOf('.');
  const prefix = dot > 0 ? id.slice(0, dot) : '';
  if (INFERENCE_PROFILE_PREFIXES.includes(prefix)) {
    return { foundationModelId: id.slice(dot + 1), profilePrefix: prefix };
  }
  return { foundationModelId: id };
}

/**
 * Whether the model can be made to answer through one named tool, which is how Parley gets a reply
 * in its schema. An application inference profile's ARN names no model, so it is not accepted.
 */
export function supportsForcedTool(modelId: string): boolean {
  if (modelId.includes(':application-inference-profile/')) return false;
  const { foundationModelId } = parseBedrockModelId(modelId);
  return FORCED_TOOL_MODELS.some((pattern) => pattern.test(foundationModelId));
}

/** Why `modelId` is refused as the chat model, in a sentence an operator can act on. */
export function forcedToolRefusal(modelId: string): string {
  return (
    `the Bedrock chat model ${modelId} cannot be made to answer through a tool (toolChoice), which Parley ` +
    `needs to hold replies to their schema: choose ${FORCED_TOOL_FAMILIES}, e.g. ${DEFAULT_BEDROCK_CHAT_MODEL}`
  );
}

/** Embedding models the Titan embedder speaks to: Titan Text Embeddings V2 (id or ARN). */
export function supportsEmbeddingModel(modelId: string): boolean {
  return /^amazon\.titan-embed-text-v2(:|$)/.test(parseBedrockModelId(modelId).foundationModelId);
}

/** Why `modelId` is refused as the embedding model, in a sentence an operator can act on. */
export function embeddingModelRefusal(modelId: string): string {
  return (
    `the Bedrock embedding model ${modelId} is not Amazon Titan Text Embeddings V2, the one Parley's ` +
    `embedder speaks to (at ${TITAN_V2_DIMENSIONS[0]} dimensions, as the index is built): use ${DEFAULT_BEDROCK_EMBEDDING_MODEL}`
  );
}
