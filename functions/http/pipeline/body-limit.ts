/** The body size limit: the raw request body as bytes, refused (413) past the route's limit. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { PayloadTooLargeError } from '#lib/domain/errors';
import { MAX_BODY_BYTES } from '#lib/domain/limits/http';
import type { AnyRoute } from '#functions/http/route';

/** The request body's bytes (undefined when there is none), at most the route's `maxBodyBytes`. */
export function readBody(route: AnyRoute, event: APIGatewayProxyEventV2): Buffer | undefined {
  if (event.body === undefined || event.body === null) return undefined;
  const limit = route.maxBodyBytes ?? MAX_BODY_BYTES;
  const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (bytes.byteLength > limit) {
    throw new PayloadTooLargeError(`request body is ${bytes.byteLength} bytes; the limit is ${limit}`);
  }
  return bytes;
}
