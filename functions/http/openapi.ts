/** Builds the OpenAPI 3.1 document from the route table's zod schemas. */
import * as z from 'zod';
import type { Route } from '#functions/http/route';
import { errorResponse } from '#functions/http/common-schemas';

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });

const ERROR_STATUSES: Record<number, string> = {
  400: 'Invalid request: `error.details` names each offending field.',
  401: 'Missing or invalid API key.',
  413: 'Request body too large.',
  415: 'A body or file of a type this endpoint does not take.',
  429: 'Too many requests with this API key: wait the seconds the `Retry-After` header names.',
  500: 'Internal error (nothing internal is disclosed; the log has a correlation id).',
};

export function buildOpenApiDocument(routes: readonly Route<never, never>[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const parameters = [
      ...Object.keys(route.params ?? {}).map((name) => ({
        name,
        in: 'path',
        required: true,
        schema: { type: 'string' },
      })),
      ...(route.query ? queryParameters(route.query) : []),
      ...(route.creates
        ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 } }]
        : []),
    ];
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.schema
          ? { content: { 'application/json': { schema: jsonSchema(response.schema, 'output') } } }
          : {}),
      };
    }
    for (const [status, description] of Object.entries(ERROR_STATUSES)) {
      if ((status === '401' || status === '429') && !route.auth) continue;
      if (status === '415' && !route.multipart && !route.csv) continue;
      responses[status] ??= {
        description,
        content: { 'application/json': { schema: jsonSchema(errorResponse, 'output') } },
      };
    }
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method.toLowerCase()] = {
      summary: route.summary,
      tags: route.tags,
      ...(route.auth ? {} : { security: [] }),
      ...(parameters.length ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: {
                'application/json': { schema: jsonSchema(route.body, 'input') },
                ...(route.multipart ? { 'multipart/form-data': { schema: multipartSchema(route.multipart) } } : {}),
                ...(route.csv
                  ? { 'text/csv': { schema: { type: 'string', description: route.csv.description } } }
                  : {}),
              },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Parley API',
      version,
      description:
        'Answers prospects from your knowledge base and sales setup, and delivers the answers to your webhooks.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        maaxApiKey: { type: 'apiKey', in: 'header', name: '2hd-api-key' },
      },
    },
    security: [{ bearer: [] }, { apiKey: [] }, { maaxApiKey: [] }],
    paths,
  };
}

function multipartSchema(multipart: NonNullable<Route<never, never>['multipart']>) {
  return {
    type: 'object',
    properties: Object.fromEntries(
      Object.entries(multipart.fields).map(([name, field]) => [
        name,
        { type: 'string', description: field.description, ...(field.binary ? { format: 'binary' } : {}) },
      ]),
    ),
  };
}

function queryParameters(schema: z.ZodType) {
  const json = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    schema: property,
  }));
}
