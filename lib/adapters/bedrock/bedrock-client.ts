/**
 * The Bedrock Runtime client, built on first use (as openai-client.ts does for OpenAI's: the SDK
 * is a cold-start cost only requests that call the model should pay).
 *
 * Region and credentials come from the SDK's default chain (AWS_REGION, AWS_PROFILE, the Lambda
 * role), never from Parley's config: the local runtime points that region and its credentials at
 * dynalite, and the model must be reached with the operator's own. AWS_ENDPOINT_URL_BEDROCK_RUNTIME
 * overrides the endpoint (tests' fake Bedrock).
 *
 * The client speaks HTTP/1.1 (NodeHttpHandler), not the HTTP/2 it defaults to: Converse and
 * InvokeModel are plain request/response calls that gain nothing from HTTP/2, every other AWS
 * client in Parley already uses this handler (so it adds nothing to a bundle), a kept-alive
 * HTTP/1.1 socket survives a frozen Lambda more gracefully than an HTTP/2 session, and the fake
 * Bedrock and any proxy in front of it stay plain HTTP servers.
 */
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { once } from '#lib/adapters/deferred-adapters';

/** How long a connection may take to open before the call fails as busy. */
export const BEDROCK_CONNECTION_TIMEOUT_MS = 5_000;

export interface BedrockClientOptions {
  /** Attempts per call, the SDK retrying throttling, 5xx and dropped connections with backoff (1: none). */
  maxAttempts: number;
  /** How long a call may wait for its answer once sent. */
  timeoutMs: number;
}

/** A ready client as it is, or one built with `options` on the first call. */
export function bedrockClient(
  client: BedrockRuntimeClient | undefined,
  options: BedrockClientOptions,
): () => Promise<BedrockRuntimeClient> {
  if (client) return () => Promise.resolve(client);
  return once(async () => {
    // One after another: the SDK loads the handler's package too, and two concurrent imports of one
    // module trip jest's ESM loader.
    const { BedrockRuntimeClient } = await import('@aws-sdk/client-bedrock-runtime');
    const { NodeHttpHandler } = await import('@smithy/node-http-handler');
    return new BedrockRuntimeClient({
      maxAttempts: options.maxAttempts,
      requestHandler: new NodeHttpHandler({
        connectionTimeout: BEDROCK_CONNECTION_TIMEOUT_MS,
        requestTimeout: options.timeoutMs,
        throwOnRequestTimeout: true,
      }),
    });
  });
}
