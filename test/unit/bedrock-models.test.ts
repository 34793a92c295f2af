import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_BEDROCK_CHAT_MODEL,
  DEFAULT_BEDROCK_EMBEDDING_MODEL,
  parseBedrockModelId,
  supportsEmbeddingModel,
  supportsForcedTool,
} from '#lib/adapters/bedrock/models';

describe('supportsForcedTool', () => {
  it.each([
    DEFAULT_BEDROCK_CHAT_MODEL,
    'amazon.nova-micro-v1:0',
    'amazon.nova-pro-v1:0',
    'eu.amazon.nova-lite-v1:0',
    'us.amazon.nova-premier-v1:0',
    'global.amazon.nova-2-lite-v1:0',
    'anthropic.claude-3-haiku-20240307-v1:0',
    'us.anthropic.claude-3-5-sonnet-20241022-v2:0',
    'apac.anthropic.claude-3-7-sonnet-20250219-v1:0',
    'us.anthropic.claude-sonnet-4-20250514-v1:0',
    'global.anthropic.claude-haiku-4-5-20251001-v1:0',
    'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
    'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-lite-v1:0',
  ])('accepts %s', (modelId) => {
    expect(supportsForcedTool(modelId)).toBe(true);
  });

  it.each([
    'anthropic.claude-v2:1',
    'anthropic.claude-instant-v1',
    'amazon.titan-text-express-v1',
    'amazon.nova-canvas-v1:0',
    'amazon.nova-sonic-v1:0',
    'meta.llama3-1-70b-instruct-v1:0',
    'us.meta.llama3-2-90b-instruct-v1:0',
    'mistral.mistral-large-2407-v1:0',
    'cohere.command-r-plus-v1:0',
    'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123',
  ])('refuses %s', (modelId) => {
    expect(supportsForcedTool(modelId)).toBe(false);
  });
});

describe('parseBedrockModelId', () => {
  it.each([
    ['us.amazon.nova-lite-v1:0', { foundationModelId: 'amazon.nova-lite-v1:0', profilePrefix: 'us' }],
    [
      'us-gov.anthropic.claude-3-haiku-20240307-v1:0',
      { foundationModelId: 'anthropic.claude-3-haiku-20240307-v1:0', profilePrefix: 'us-gov' },
    ],
    ['amazon.nova-lite-v1:0', { foundationModelId: 'amazon.nova-lite-v1:0' }],
    [
      'arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.amazon.nova-pro-v1:0',
      { foundationModelId: 'amazon.nova-pro-v1:0', profilePrefix: 'eu' },
    ],
  ])('reads %s', (modelId, expected) => {
    expect(parseBedrockModelId(modelId)).toEqual(expected);
  });
});

describe('supportsEmbeddingModel', () => {
  it('accepts Titan Text Embeddings V2 and refuses V1 and other families', () => {
    expect(supportsEmbeddingModel(DEFAULT_BEDROCK_EMBEDDING_MODEL)).toBe(true);
    expect(supportsEmbeddingModel('amazon.titan-embed-text-v1')).toBe(false);
    expect(supportsEmbeddingModel('cohere.embed-multilingual-v3')).toBe(false);
  });
});
