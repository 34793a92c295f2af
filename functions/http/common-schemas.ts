/**
 * Wire shapes every resource shares (snake_case, per ../shared/CONTRACT.md): ids, timestamps,
 * webhook URLs, paging and the error body. Like every *-schemas.ts module, these zod schemas
 * validate requests and generate `GET /openapi.json`, so docs and behaviour cannot drift.
 */
import * as z from 'zod';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '#lib/domain/limits/http';
import { MAX_URL_CHARS } from '#lib/domain/limits/setup';

export const webhookUrl = z.string().max(MAX_URL_CHARS).describe('An http(s) URL that Parley POSTs webhooks to.');
export const timestamp = z.string().describe('ISO-8601 UTC timestamp.');

export const idParam = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_-]+$/, 'not a valid id');

export const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
    cursor: z.string().max(1000).optional(),
  })
  .strict();

export const errorResponse = z.object({
  error: z.object({
    code: z.enum([
      'validation_error',
      'unauthorized',
      'not_found',
      'conflict',
      'payload_too_large',
      'unsupported_media_type',
      'rate_limited',
      'internal',
    ]),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), next_cursor: z.string().nullable() });
}

/** A list query as the use cases take it: the default page size unless the client asked for one. */
export function toPageRequest(query: z.output<typeof listQuery>): { limit: number; cursor?: string } {
  return { limit: query.limit ?? DEFAULT_PAGE_SIZE, ...(query.cursor ? { cursor: query.cursor } : {}) };
}
