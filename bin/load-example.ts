/**
 * `npm run parley -- load-example <setup.json>`: creates an example's product, strategy, goal and
 * AI through the public API, as any client would. Each POST carries an Idempotency-Key derived from
 * the file and the item, so loading the same file again (within the API's 24 h key lifetime)
 * returns the same ids and creates nothing new.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import * as z from 'zod';

/** Each item is sent as the API's create body; the API validates it and names any bad field. */
const item = z.looseObject({ name: z.string().min(1) });

const setupFile = z
  .object({
    product: item,
    strategy: item,
    goal: item,
    ai: item.describe('A sales AI; its product_id, strategy_id and goal_id are filled in with the ids created.'),
  })
  .strict();

export type ExampleSetup = z.output<typeof setupFile>;

export interface LoadedExample {
  productId: string;
  strategyId: string;
  goalId: string;
  aiId: string;
  /** `whsec_…`: verifies the AI's webhooks. */
  webhookSecret: string;
  /** True when every item came back from an earlier load (`idempotent-replayed`). */
  alreadyLoaded: boolean;
}

export interface LoadOptions {
  /** The API's base URL, e.g. http://localhost:3000. */
  api: string;
  apiKey: string;
  /** Replaces the AI's `webhooks.answer_url` (the example holds a placeholder). */
  answerUrl?: string;
}

const REQUEST_TIMEOUT_MS = 15_000;

/** Reads and checks the shape of an example file; the API checks the fields. */
export async function readExampleSetup(path: string): Promise<ExampleSetup> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  const parsed = setupFile.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`);
    throw new Error(`${path} is not an example setup: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/**
 * Creates the example's product, strategy and goal, then the AI that uses them.
 *
 * @throws Error with the API's error message and details when a request is refused
 */
export async function loadExample(path: string, options: LoadOptions): Promise<LoadedExample> {
  const setup = await readExampleSetup(path);
  const post = poster(options, resolve(path));
  const product = await post('product', '/v1/products', setup.product);
  const strategy = await post('strategy', '/v1/strategies', setup.strategy);
  const goal = await post('goal', '/v1/goals', setup.goal);
  const webhooks = typeof setup.ai.webhooks === 'object' ? setup.ai.webhooks : {};
  const ai = await post('ai', '/v1/ais', {
    ...setup.ai,
    ...(options.answerUrl ? { webhooks: { ...webhooks, answer_url: options.answerUrl } } : {}),
    product_id: product.id,
    strategy_id: strategy.id,
    goal_id: goal.id,
  });
  return {
    productId: product.id,
    strategyId: strategy.id,
    goalId: goal.id,
    aiId: ai.id,
    webhookSecret: String(ai.body.webhook_secret ?? ''),
    alreadyLoaded: [product, strategy, goal, ai].every((created) => created.replayed),
  };
}

/** `parley-example-` + a digest of the file's path, the item's kind and its name. */
export function idempotencyKeyFor(file: string, kind: string, name: string): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([file, kind, name]))
    .digest('hex');
  return `parley-example-${digest.slice(0, 40)}`;
}

function poster(options: LoadOptions, file: string) {
  const base = options.api.replace(/\/+$/, '');
  return async (kind: string, path: string, body: { name: string } & Record<string, unknown>) => {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${options.apiKey}`,
        'content-type': 'application/json',
        'idempotency-key': idempotencyKeyFor(file, kind, body.name),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    }).catch((error: unknown) => {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new Error(`cannot reach the API at ${base}: ${cause}`, { cause: error });
    });
    const text = await response.text();
    const json = parseJson(text);
    if (!response.ok)
      throw new Error(`creating the ${kind} "${body.name}" failed: ${describeError(response.status, json, text)}`);
    const id = typeof json?.id === 'string' ? json.id : undefined;
    if (!id) throw new Error(`creating the ${kind} "${body.name}" returned no id: ${text.slice(0, 200)}`);
    return { id, body: json ?? {}, replayed: response.headers.get('idempotent-replayed') === 'true' };
  };
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const apiError = z.object({
  error: z.object({
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

function describeError(status: number, json: unknown, text: string): string {
  const parsed = apiError.safeParse(json);
  if (!parsed.success) return `HTTP ${status} ${text.slice(0, 200)}`;
  const details = (parsed.data.error.details ?? []).map((d) => `${d.path}: ${d.message}`);
  return `HTTP ${status} ${parsed.data.error.message}${details.length ? ` (${details.join('; ')})` : ''}`;
}
