/**
 * Secrets Manager (JSON 1.1, `x-amz-target: secretsmanager.<Op>`): `secretsmanager:<Op>` on the
 * secret. A SecretId that is an ARN is used as it is; a name is looked up through the caller's
 * name→ARN function, and failing that becomes `secret:<name>` without the random six-character
 * suffix AWS appends, so a policy naming `<name>-??????` does not match it.
 */
import {
  type AuthorizationCheck,
  type AwsEnvironment,
  type AwsHttpRequest,
  type RequestMappingOptions,
  unrecognisedCheck,
} from './aws-request.ts';
import { arnOf, jsonBody, stringField, targetOperation } from './request-parts.ts';

/** Calls that name no secret. */
const ACCOUNT_WIDE = new Set(['ListSecrets', 'GetRandomPassword', 'BatchGetSecretValue']);

/** The checks for one Secrets Manager call. */
export function describeSecretsManagerRequest(
  request: AwsHttpRequest,
  environment: AwsEnvironment,
  options: RequestMappingOptions,
): AuthorizationCheck[] {
  const operation = targetOperation(request, 'secretsmanager');
  if (!operation) return [unrecognisedCheck('secretsmanager', 'no secretsmanager.<Op> x-amz-target header')];
  const action = `secretsmanager:${operation}`;
  if (ACCOUNT_WIDE.has(operation)) return [{ action, resource: '*', context: {} }];
  const body = jsonBody(request);
  const secret =
    stringField(body, 'SecretId') ?? (operation === 'CreateSecret' ? stringField(body, 'Name') : undefined);
  if (!secret) return [unrecognisedCheck(action, `no SecretId in ${operation}`)];
  const resource = secret.startsWith('arn:')
    ? secret
    : (options.secretArnByName?.(secret) ?? arnOf(environment, 'secretsmanager', `secret:${secret}`));
  return [{ action, resource, context: {} }];
}
