/**
 * SQS, in either protocol: JSON (`x-amz-target: AmazonSQS.<Op>`, parameters in the body) or query
 * (form-encoded `Action=<Op>&QueueUrl=…`). The resource is the queue's ARN, read from the QueueUrl
 * (its last path segment is the name, the one before it the account) or from QueueName. Batch
 * calls are authorised as their single-message action.
 */
import { type AuthorizationCheck, type AwsEnvironment, type AwsHttpRequest, unrecognisedCheck } from './aws-request.ts';
import { headerOf, jsonBody, splitPath, targetOperation } from './request-parts.ts';

const BATCH_ACTIONS: Readonly<Record<string, string>> = {
  SendMessageBatch: 'SendMessage',
  DeleteMessageBatch: 'DeleteMessage',
  ChangeMessageVisibilityBatch: 'ChangeMessageVisibility',
};

/** The checks for one SQS call. */
export function describeSqsRequest(request: AwsHttpRequest, environment: AwsEnvironment): AuthorizationCheck[] {
  const parameters = readParameters(request);
  const operation = parameters.get('Action');
  if (!operation) return [unrecognisedCheck('sqs', 'neither an AmazonSQS.<Op> x-amz-target nor an Action parameter')];
  const action = `sqs:${BATCH_ACTIONS[operation] ?? operation}`;
  if (operation === 'ListQueues') return [{ action, resource: '*', context: {} }];

  const queueUrl = parameters.get('QueueUrl') ?? queuePathOf(request);
  if (queueUrl) {
    const segments = new URL(queueUrl, 'http://queue.invalid').pathname.split('/').filter(Boolean);
    const name = segments.at(-1);
    const account = segments.at(-2);
    if (!name) return [unrecognisedCheck(action, `no queue name in QueueUrl "${queueUrl}"`)];
    return [{ action, resource: queueArn(environment, name, account), context: {} }];
  }
  const queueName = parameters.get('QueueName');
  if (queueName) {
    return [
      { action, resource: queueArn(environment, queueName, parameters.get('QueueOwnerAWSAccountId')), context: {} },
    ];
  }
  const sourceArn = parameters.get('SourceArn');
  if (sourceArn) return [{ action, resource: sourceArn, context: {} }];
  return [unrecognisedCheck(action, `no QueueUrl or QueueName in ${operation}`)];
}

function queueArn(environment: AwsEnvironment, name: string, account: string | undefined): string {
  const owner = account && /^\d{12}$/.test(account) ? account : environment.accountId;
  return `arn:${environment.partition}:sqs:${environment.region}:${owner}:${name}`;
}

/** The call's parameters, the operation under `Action` whichever protocol carried them. */
function readParameters(request: AwsHttpRequest): Map<string, string> {
  const operation = targetOperation(request, 'AmazonSQS');
  if (operation) {
    const body = jsonBody(request);
    const parameters = new Map<string, string>([['Action', operation]]);
    for (const [key, value] of Object.entries(body)) {
      if (typeof value === 'string') parameters.set(key, value);
    }
    return parameters;
  }
  const form = headerOf(request, 'content-type')?.startsWith('application/x-www-form-urlencoded')
    ? new URLSearchParams(request.body.toString('utf8'))
    : new URLSearchParams();
  return new Map([...splitPath(request).query, ...form]);
}

/** The query protocol may address the queue by posting to its URL's path (`/<account>/<name>`). */
function queuePathOf(request: AwsHttpRequest): string | undefined {
  const { pathname } = splitPath(request);
  return /^\/\d{12}\/[^/]+$/.test(pathname) ? pathname : undefined;
}
