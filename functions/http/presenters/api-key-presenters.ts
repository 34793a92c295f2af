/** API keys → the contract's snake_case JSON. */
import type { z } from 'zod';
import type { ApiKeyRecord } from '#lib/domain/types';
import type { apiKeyResponse, issuedApiKeyResponse } from '#functions/http/api-key-schemas';

/** A key as listed: never its hash. */
export function presentApiKey(record: ApiKeyRecord): z.output<typeof apiKeyResponse> {
  return { id: record.id, name: record.name ?? null, prefix: record.prefix, created_at: record.createdAt };
}

/** A key just created or rotated: the only time the key itself is shown. */
export function presentIssuedApiKey(issued: {
  record: ApiKeyRecord;
  key: string;
}): z.output<typeof issuedApiKeyResponse> {
  return { ...presentApiKey(issued.record), key: issued.key };
}
