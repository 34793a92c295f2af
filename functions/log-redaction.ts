import { LogFormatter, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { conversationRef } from '#lib/domain/conversation-ref';

/** What a redacted value is replaced with, so a reader sees that something was there. */
export const REDACTED = '[redacted]';

/** Attribute names (lower case, without `_`) whose values are contact details, message text or secrets. */
const SECRET_OR_PERSONAL = new Set([
  'answer',
  'apikey',
  'authorization',
  'body',
  'contact',
  'content',
  'correction',
  'email',
  'firstname',
  'key',
  'lastname',
  'password',
  'payload',
  'phone',
  'question',
  'reply',
  'secret',
  'text',
  'token',
  'webhooksecret',
]);
const CONVERSATION_ID = 'conversationid';
const URL_KEY = 'url';

/**
 * The logger's formatter, with the project's redaction rules applied to every attribute a call
 * passes: a conversation id becomes its `conversationRef` (scoped by a `tenantId` beside it), a URL
 * keeps only its origin (paths and queries carry tokens, e.g. a catch hook's id), and contact
 * details, message text and secrets are replaced by `[redacted]`. Call sites already keep these out;
 * this makes a slip in one of them harmless rather than a leak.
 */
export class RedactingLogFormatter extends LogFormatter {
  /** Powertools' standard keys (as its default formatter writes them), then the redacted attributes. */
  public formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const base: LogAttributes = {
      level: attributes.logLevel,
      message: attributes.message,
      timestamp: this.formatTimestamp(attributes.timestamp),
      service: attributes.serviceName,
      cold_start: attributes.lambdaContext?.coldStart,
      function_arn: attributes.lambdaContext?.invokedFunctionArn,
      function_memory_size: attributes.lambdaContext?.memoryLimitInMB,
      function_name: attributes.lambdaContext?.functionName,
      function_request_id: attributes.lambdaContext?.awsRequestId,
      sampling_rate: attributes.sampleRateValue,
      xray_trace_id: attributes.xRayTraceId,
      tenant_id: attributes.lambdaContext?.tenantId,
    };
    return new LogItem({ attributes: base }).addAttributes(redactAttributes(additional) as LogAttributes);
  }
}

/** `value` with the redaction rules applied to every plain object in it (errors are left to the formatter). */
export function redactAttributes(value: unknown, depth = 0): unknown {
  // A log attribute nested this deep is not ours; cutting it short is better than a stack overflow.
  if (depth > MAX_DEPTH) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redactAttributes(item, depth + 1));
  if (!isPlainObject(value)) return value;
  const tenantId = typeof value.tenantId === 'string' ? value.tenantId : '';
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const name = key.toLowerCase().replaceAll('_', '');
    if (name === CONVERSATION_ID)
      out.conversationRef = typeof item === 'string' ? conversationRef(tenantId, item) : REDACTED;
    else if (SECRET_OR_PERSONAL.has(name)) out[key] = REDACTED;
    else if (name === URL_KEY) out[key] = originOf(item);
    else out[key] = redactAttributes(item, depth + 1);
  }
  return out;
}

const MAX_DEPTH = 8;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function originOf(value: unknown): string {
  if (typeof value !== 'string') return REDACTED;
  try {
    return new URL(value).origin;
  } catch {
    return REDACTED;
  }
}
