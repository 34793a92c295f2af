import type { z } from 'zod';
import type { Deps } from '#lib/app/deps';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface HttpResult {
  statusCode: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteRequest<B, Q> {
  /** The caller's tenant, from its API key (empty on public routes). */
  tenantId: string;
  body: B;
  query: Q;
  params: Record<string, string>;
  /**
   * On creating routes: the id to give what is created, reserved with the Idempotency-Key so a
   * retried request creates the same record.
   */
  newId: string;
}

/**
 * One endpoint: how it is matched, what it accepts (zod, which also documents it), and a thin
 * handler that calls one use case and presents the result.
 */
export interface Route<B = unknown, Q = unknown> {
  method: Method;
  /** OpenAPI-style template, e.g. `/v1/ais/{id}`. */
  path: string;
  summary: string;
  tags: string[];
  /** False only for /health and /openapi.json. */
  auth: boolean;
  params?: Record<string, z.ZodType<string>>;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  /** Set on POSTs that create something: honours Idempotency-Key; ids get this prefix. */
  creates?: { idPrefix: string };
  /**
   * Body fields may also come from the query string (the body wins where both have one), and the
   * body may be left out: for Maax-compatible clients, which send either.
   */
  mergeQueryIntoBody?: boolean;
  /** Largest request body this route takes, in bytes (MAX_BODY_BYTES when unset). */
  maxBodyBytes?: number;
  /**
   * Also takes multipart/form-data: each file field becomes `{filename, content_type, data}` and
   * other fields strings, validated by `body` like JSON. Named here for the OpenAPI document.
   */
  multipart?: { fields: Record<string, { description: string; binary?: boolean }> };
  /**
   * Also takes a `text/csv` body: it reaches `body` as `{csv: "<the text>"}`, validated like JSON.
   * The description is the OpenAPI document's.
   */
  csv?: { description: string };
  responses: Record<number, { description: string; schema?: z.ZodType }>;
  handle(deps: Deps, request: RouteRequest<B, Q>): Promise<HttpResult>;
}

/** A route of any body and query type, as a route table holds it. */
export type AnyRoute = Route<never, never>;

/** Keeps each route's body and query types while collecting routes in one table. */
export function defineRoute<B = undefined, Q = undefined>(route: Route<B, Q>): Route<B, Q> {
  return route;
}
