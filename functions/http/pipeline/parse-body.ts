/**
 * Content type and body parsing: the request's fields as the route's schema expects them, from
 * JSON, from multipart/form-data where the route takes files, and from the query string where the
 * route merges it in.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { UnsupportedMediaTypeError, ValidationError } from '#lib/domain/errors';
import type { AnyRoute } from '#functions/http/route';

/** The body, or for routes that merge the query string in, the query's fields under the body's. */
export async function parseRequestFields(
  route: AnyRoute,
  event: APIGatewayProxyEventV2,
  raw: Buffer | undefined,
): Promise<unknown> {
  if (!route.mergeQueryIntoBody) return parseBody(route, event, raw);
  const body = raw === undefined || raw.toString('utf8').trim() === '' ? {} : await parseBody(route, event, raw);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  return { ...event.queryStringParameters, ...body };
}

/** The request body as the route's schema expects it: parsed JSON, or multipart fields or CSV where the route takes them. */
async function parseBody(route: AnyRoute, event: APIGatewayProxyEventV2, raw: Buffer | undefined): Promise<unknown> {
  const contentType = (event.headers['content-type'] ?? '').toLowerCase();
  // The boundary is case-sensitive, and browsers put capitals in theirs: the parser gets it as sent.
  if (route.multipart && contentType.startsWith('multipart/form-data'))
    return parseMultipart(raw, event.headers['content-type'] ?? contentType);
  if (route.csv && contentType.startsWith('text/csv')) return { csv: raw?.toString('utf8') ?? '' };
  if ((route.multipart || route.csv) && contentType !== '' && !/^application\/(.+\+)?json\b/.test(contentType)) {
    const accepted = route.multipart ? 'multipart/form-data with the file in field "file"' : 'text/csv';
    throw new UnsupportedMediaTypeError(`a ${contentType.split(';')[0]} body is not accepted here`, {
      details: [{ path: 'body', message: `send JSON, or ${accepted}` }],
    });
  }
  return parseJson(raw?.toString('utf8'));
}

/**
 * multipart/form-data through the platform's own parser (undici's, behind `Response.formData`):
 * files become `{filename, content_type, data}`, other fields strings.
 */
async function parseMultipart(raw: Buffer | undefined, contentType: string): Promise<Record<string, unknown>> {
  let form: FormData;
  try {
    form = await new Response(raw ?? Buffer.alloc(0), { headers: { 'content-type': contentType } }).formData();
  } catch (error) {
    throw new ValidationError('request body is not valid multipart/form-data', {
      details: [{ path: 'body', message: String((error as Error).message) }],
    });
  }
  const fields: Record<string, unknown> = {};
  for (const [name, value] of form.entries()) {
    fields[name] =
      typeof value === 'string'
        ? value
        : { filename: value.name, content_type: value.type, data: new Uint8Array(await value.arrayBuffer()) };
  }
  return fields;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined || text.trim() === '') {
    throw new ValidationError('request body is required', { details: [{ path: 'body', message: 'required' }] });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError('request body is not valid JSON', {
      details: [{ path: 'body', message: String((error as Error).message) }],
    });
  }
}
