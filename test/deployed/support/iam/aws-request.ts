/**
 * One HTTP request to an AWS service turned into the authorisation checks AWS makes for it: which
 * `service:Action` on which resource ARN, with which request context. A request this cannot read
 * becomes a check marked `unrecognised`, which the proxy always denies: a call the mapping does not
 * understand must fail the test, never pass unexamined.
 */
import { describeBedrockRequest } from './bedrock-request.ts';
import { describeDynamoDbRequest } from './dynamodb-request.ts';
import { describeEventBridgeRequest } from './eventbridge-request.ts';
import type { AuthorizationRequest } from './iam-policy.ts';
import { describeS3Request } from './s3-request.ts';
import { describeSchedulerRequest } from './scheduler-request.ts';
import { describeSecretsManagerRequest } from './secrets-manager-request.ts';
import { describeSqsRequest } from './sqs-request.ts';

/** The services the deployed functions call, by their SigV4 signing name. */
export type AwsService = 'dynamodb' | 'sqs' | 's3' | 'scheduler' | 'events' | 'secretsmanager' | 'bedrock';

/** The account, region and partition the stack is deployed to; ARNs are built from them. */
export interface AwsEnvironment {
  accountId: string;
  region: string;
  partition: string;
}

/** One request as it arrived: lower-case header names, the raw path with its query, the whole body. */
export interface AwsHttpRequest {
  service: AwsService;
  method: string;
  /** Path and query string, as on the request line (`/bucket/key?uploads`). */
  path: string;
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  body: Buffer;
}

/** A check, or an unreadable request: `unrecognised` says what could not be read, and denies it. */
export interface AuthorizationCheck extends AuthorizationRequest {
  unrecognised?: string;
}

/** What the request alone does not say. */
export interface RequestMappingOptions {
  /** A Secrets Manager secret's full ARN by its name; unknown names get an ARN without the random suffix. */
  secretArnByName?: (name: string) => string | undefined;
  /** A DynamoDB table's partition key attribute, so item calls carry `dynamodb:LeadingKeys`. */
  partitionKeyOf?: (tableName: string) => string | undefined;
}

const DESCRIBERS: Readonly<
  Record<
    AwsService,
    (request: AwsHttpRequest, environment: AwsEnvironment, options: RequestMappingOptions) => AuthorizationCheck[]
  >
> = {
  dynamodb: describeDynamoDbRequest,
  sqs: describeSqsRequest,
  s3: describeS3Request,
  scheduler: describeSchedulerRequest,
  events: describeEventBridgeRequest,
  secretsmanager: describeSecretsManagerRequest,
  bedrock: describeBedrockRequest,
};

/**
 * The checks AWS would make for `request`, in the order the request names them, each distinct check
 * once (five puts to one table in a batch are one check).
 */
export function describeAwsRequest(
  request: AwsHttpRequest,
  environment: AwsEnvironment,
  options: RequestMappingOptions = {},
): AuthorizationCheck[] {
  let checks: AuthorizationCheck[];
  try {
    checks = DESCRIBERS[request.service](request, environment, options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    checks = [unrecognisedCheck(request.service, `unreadable ${request.service} request: ${message}`)];
  }
  const seen = new Set<string>();
  return checks.filter((check) => {
    const key = JSON.stringify([check.action, check.resource, check.context, check.unrecognised]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A check that stands for a request the mapping cannot read; the proxy denies it whatever the policy. */
export function unrecognisedCheck(what: string, reason: string): AuthorizationCheck {
  return { action: `unknown:${what}`, resource: '*', context: {}, unrecognised: reason };
}
