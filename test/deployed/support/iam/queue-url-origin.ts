/**
 * Queue URLs seen from both sides of the proxy. The SQS SDK sends each call to its QueueUrl's origin
 * when that differs from the configured endpoint, so a function must be given queue URLs on the
 * proxy's origin; fauxqs knows each queue only by the URL it made (`http://sqs.<region>.localhost:
 * <port>/…`). The proxy swaps one origin for the other on the way in and back on the way out.
 */
import { isRecord } from './request-parts.ts';

/** The JSON request body with its QueueUrl moved from origin `from` to origin `to`. */
export function swapQueueUrlOrigin(body: Buffer, from: string, to: string): Buffer {
  if (body.length === 0) return body;
  const parsed: unknown = JSON.parse(body.toString('utf8'));
  if (!isRecord(parsed) || typeof parsed.QueueUrl !== 'string' || !parsed.QueueUrl.startsWith(`${from}/`)) return body;
  return Buffer.from(JSON.stringify({ ...parsed, QueueUrl: `${to}${parsed.QueueUrl.slice(from.length)}` }));
}

/** `text` with every URL on origin `from` moved to origin `to` (queue URLs in a response). */
export function swapOrigins(text: string, from: string, to: string): string {
  return text.split(`${from}/`).join(`${to}/`);
}
