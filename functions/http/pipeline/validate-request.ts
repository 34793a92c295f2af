/** Request validation: path parameters, query string and body through the route's zod schemas. */
import type { z } from 'zod';
import { type ErrorDetail, ValidationError } from '#lib/domain/errors';
import type { AnyRoute } from '#functions/http/route';

export interface ValidatedRequest {
  params: Record<string, string>;
  query: unknown;
  body: unknown;
}

export interface RawRequest {
  params: Record<string, string>;
  query: Record<string, string | undefined> | undefined;
  /** Parses the body's fields; called only for routes that take a body, after the rest is valid. */
  readFields(): Promise<unknown>;
}

/**
 * The request's parts as the route's schemas output them (defaults applied, strings trimmed):
 * path parameters, then the query string, then the body. A path parameter without a schema is
 * passed through; a query or body the route does not take is left undefined.
 * @throws ValidationError naming each offending field of the first invalid part
 */
export async function validateRequest(route: AnyRoute, raw: RawRequest): Promise<ValidatedRequest> {
  const params = { ...raw.params };
  for (const [name, schema] of Object.entries(route.params ?? {})) {
    params[name] = validate(schema, raw.params[name], `path parameter ${name}`, name);
  }
  const query = route.query ? validate(route.query, raw.query ?? {}, 'query string') : undefined;
  const body = route.body ? validate(route.body, await raw.readFields(), 'request body') : undefined;
  return { params, query, body };
}

/** zod issues → the contract's `details`, one per offending field (unknown fields named one by one). */
export function toDetails(error: z.ZodError, prefix = ''): ErrorDetail[] {
  return error.issues.flatMap((issue) => {
    const base = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: base ? `${base}.${key}` : key, message: 'unknown field' }));
    }
    return [{ path: base || prefix || 'body', message: issue.message }];
  });
}

function validate<T>(schema: z.ZodType<T>, value: unknown, what: string, prefix = ''): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(`invalid ${what}`, { details: toDetails(result.error, prefix) });
  return result.data;
}
