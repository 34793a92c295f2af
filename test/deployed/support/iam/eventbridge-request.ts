/**
 * EventBridge (JSON 1.1, `x-amz-target: AWSEvents.<Op>`). PutEvents is `events:PutEvents` on each
 * entry's bus (EventBusName, a name or an ARN; `default` when absent), with the entry's
 * `events:source` and `events:detail-type`. Other operations are unrecognised: the functions only
 * publish.
 */
import { type AuthorizationCheck, type AwsEnvironment, type AwsHttpRequest, unrecognisedCheck } from './aws-request.ts';
import { arnOf, jsonBody, stringField, targetOperation } from './request-parts.ts';

/** The checks for one EventBridge call. */
export function describeEventBridgeRequest(request: AwsHttpRequest, environment: AwsEnvironment): AuthorizationCheck[] {
  const operation = targetOperation(request, 'AWSEvents');
  if (operation !== 'PutEvents') {
    return [unrecognisedCheck(`events:${operation ?? '?'}`, 'only AWSEvents.PutEvents is mapped')];
  }
  const entries = jsonBody(request).Entries;
  if (!Array.isArray(entries) || entries.length === 0) {
    return [unrecognisedCheck('events:PutEvents', 'PutEvents without Entries')];
  }
  return entries.map((entry) => {
    const bus = stringField(entry, 'EventBusName') ?? 'default';
    const source = stringField(entry, 'Source');
    const detailType = stringField(entry, 'DetailType');
    return {
      action: 'events:PutEvents',
      resource: bus.startsWith('arn:') ? bus : arnOf(environment, 'events', `event-bus/${bus}`),
      context: {
        ...(source === undefined ? {} : { 'events:source': source }),
        ...(detailType === undefined ? {} : { 'events:detail-type': detailType }),
      },
    };
  });
}
