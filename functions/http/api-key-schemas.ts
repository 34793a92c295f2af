/**
 * The wire shapes of API keys (snake_case, per ../shared/CONTRACT.md). As in common-schemas.ts, these
 * validate requests and generate the OpenAPI document.
 */
import * as z from 'zod';
import { MAX_NAME_CHARS } from '#lib/domain/limits/setup';

export const createApiKeyBody = z
  .object({
    name: z
      .string()
      .trim()
      .min(1)
      .max(MAX_NAME_CHARS)
      .optional()
      .describe('What the key is for, e.g. "Zapier" or "CRM", so you can tell keys apart.'),
  })
  .strict();

export const apiKeyResponse = z.object({
  id: z.string(),
  name: z.string().nullable(),
  prefix: z.string().describe('The first characters of the key, e.g. "prly_AbCd…".'),
  created_at: z.string().describe('ISO-8601 UTC timestamp.'),
});

export const issuedApiKeyResponse = apiKeyResponse.extend({
  key: z.string().describe('The API key itself. Shown only in this response: only its hash is stored.'),
});
