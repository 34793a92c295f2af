/**
 * Refusals in each service's wire format, worded as AWS words them, so the real SDK raises the same
 * typed error it raises in AWS: AccessDeniedException for the JSON services (400; SQS 403 with its
 * query-compatible `AccessDenied` code), S3's 403 XML `AccessDenied`, Scheduler's 403 REST-JSON
 * AccessDeniedException; and the "who are you?" answer for credentials no principal holds.
 */
import { randomUUID } from 'node:crypto';
import type { AwsService } from './aws-request.ts';

/** An HTTP response to send as it is. */
export interface ServiceErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Why a call was refused, as the message's ending says it. */
export type DenialKind = 'implicit-deny' | 'explicit-deny' | 'unrecognised';

/**
 * The message AWS gives for a refused call: `User: arn:aws:sts::…:assumed-role/… is not authorized
 * to perform: <action> on resource: <arn> because …`.
 */
export function accessDeniedMessage(options: {
  service: AwsService;
  callerArn: string;
  action: string;
  resource: string;
  kind: DenialKind;
  /** For `unrecognised`: what the proxy could not read. */
  detail?: string;
}): string {
  // SQS lower-cases the action in its messages; S3 quotes the resource.
  const action = options.service === 'sqs' ? options.action.toLowerCase() : options.action;
  const resource = options.service === 's3' ? `"${options.resource}"` : options.resource;
  const because =
    options.kind === 'explicit-deny'
      ? 'with an explicit deny in an identity-based policy'
      : options.kind === 'unrecognised'
        ? `because the IAM proxy cannot map this request (${options.detail ?? 'unknown'})`
        : `because no identity-based policy allows the ${action} action`;
  return `User: ${options.callerArn} is not authorized to perform: ${action} on resource: ${resource} ${because}`;
}

/** The AccessDenied response `service` gives; `queryProtocol` for SQS calls made in the query protocol. */
export function accessDeniedResponse(
  service: AwsService,
  message: string,
  options: { queryProtocol?: boolean; head?: boolean } = {},
): ServiceErrorResponse {
  return errorResponse(service, { code: 'AccessDeniedException', queryCode: 'AccessDenied', message }, options);
}

/** The response to credentials that no principal holds (or to a request with none). */
export function unrecognisedClientResponse(
  service: AwsService,
  accessKeyId: string | undefined,
  options: { queryProtocol?: boolean; head?: boolean } = {},
): ServiceErrorResponse {
  if (service === 's3') {
    const message = accessKeyId ? 'The AWS Access Key Id you provided does not exist in our records.' : 'Access Denied';
    return s3Error(accessKeyId ? 'InvalidAccessKeyId' : 'AccessDenied', message, options.head ?? false);
  }
  return errorResponse(
    service,
    accessKeyId
      ? {
          code: 'UnrecognizedClientException',
          queryCode: 'InvalidClientTokenId',
          message: 'The security token included in the request is invalid.',
        }
      : {
          code: 'MissingAuthenticationTokenException',
          queryCode: 'MissingAuthenticationToken',
          message: 'Request is missing Authentication Token',
        },
    options,
  );
}

interface ErrorShape {
  /** The JSON `__type` / `x-amzn-ErrorType`. */
  code: string;
  /** SQS's query-protocol code, which its SDK reports as the error's name. */
  queryCode: string;
  message: string;
}

function errorResponse(
  service: AwsService,
  error: ErrorShape,
  options: { queryProtocol?: boolean; head?: boolean },
): ServiceErrorResponse {
  const requestId = randomUUID();
  if (service === 's3') return s3Error('AccessDenied', error.message, options.head ?? false);
  // REST-JSON services: the error's name in a header, 403.
  if (service === 'scheduler' || service === 'bedrock') {
    return {
      status: 403,
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': error.code, 'x-amzn-requestid': requestId },
      body: JSON.stringify({ Message: error.message }),
    };
  }
  if (service === 'sqs' && options.queryProtocol) {
    return {
      status: 403,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body: `<?xml version="1.0"?><ErrorResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><Error><Type>Sender</Type><Code>${error.queryCode}</Code><Message>${escapeXml(error.message)}</Message><Detail/></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    };
  }
  const sqs = service === 'sqs';
  return {
    status: sqs ? 403 : 400,
    headers: {
      'content-type': service === 'dynamodb' || sqs ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1',
      'x-amzn-errortype': error.code,
      'x-amzn-requestid': requestId,
      ...(sqs ? { 'x-amzn-query-error': `${error.queryCode};Sender` } : {}),
    },
    body: JSON.stringify({ __type: `com.amazon.coral.service#${error.code}`, Message: error.message }),
  };
}

function s3Error(code: string, message: string, head: boolean): ServiceErrorResponse {
  const requestId = randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
  return {
    status: 403,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
    // A HEAD response has no body; the SDK names the error from the status alone, as with AWS.
    body: head
      ? ''
      : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message><RequestId>${requestId}</RequestId></Error>`,
  };
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
