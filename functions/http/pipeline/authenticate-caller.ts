/** Authentication and the per-key rate limit: which tenant a request acts for. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { authenticateRequest } from '#lib/app/authenticate';
import type { Deps } from '#lib/app/deps';
import type { AnyRoute } from '#functions/http/route';

/**
 * The calling tenant's id from the request's API key, counted against the key's rate limit; empty
 * on public routes, which take no key.
 */
export async function authenticateCaller(
  deps: Deps,
  route: AnyRoute,
  headers: APIGatewayProxyEventV2['headers'],
): Promise<string> {
  if (!route.auth) return '';
  return (await authenticateRequest(deps, apiKeyOf(headers))).tenantId;
}

/** The API key a request carries: a Bearer token, `x-api-key`, or Maax's `2hd-api-key`. */
export function apiKeyOf(headers: APIGatewayProxyEventV2['headers']): string | undefined {
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1]?.trim();
  // `2hd-api-key` is Maax AI's header, so a client written for Maax keeps working.
  return bearer || headers['x-api-key']?.trim() || headers['2hd-api-key']?.trim() || undefined;
}
