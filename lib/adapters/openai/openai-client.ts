/**
 * The OpenAI client, built on first use. Importing the openai SDK (about 150 KB of bundle) is a
 * cold-start cost every function that holds a key paid before its handler was ready, though only
 * requests that call the model need it (BENCHMARKS.md, cold start); the import happens once, on
 * the first call, and a failed import is tried again on the next.
 */
import type { ClientOptions, OpenAI } from 'openai';
import { once } from '#lib/adapters/deferred-adapters';

/** A ready client as it is, or one built from `options` on the first call. */
export function openAiClient(client: OpenAI | undefined, options: ClientOptions): () => Promise<OpenAI> {
  if (client) return () => Promise.resolve(client);
  return once(async () => {
    const { OpenAI } = await import('openai');
    return new OpenAI(options);
  });
}
