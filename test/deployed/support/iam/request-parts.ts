/** Reading the parts of an AWS request that the per-service mappings share. */
import type { AwsEnvironment, AwsHttpRequest } from './aws-request.ts';

/** A header's value (the first, if repeated), or undefined. */
export function headerOf(request: AwsHttpRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return typeof value === 'string' ? value : value?.[0];
}

/** The operation named by `x-amz-target: <prefix>.<Operation>`, if the prefix is `prefix`. */
export function targetOperation(request: AwsHttpRequest, prefix: string): string | undefined {
  const target = headerOf(request, 'x-amz-target');
  if (!target?.startsWith(`${prefix}.`)) return undefined;
  return target.slice(prefix.length + 1);
}

/** The body parsed as a JSON object; an empty body is `{}`. Throws on anything else. */
export function jsonBody(request: AwsHttpRequest): Record<string, unknown> {
  if (request.body.length === 0) return {};
  const parsed: unknown = JSON.parse(request.body.toString('utf8'));
  if (!isRecord(parsed)) throw new Error('the JSON body is not an object');
  return parsed;
}

/** The path without its query, and the query's parameters. */
export function splitPath(request: AwsHttpRequest): { pathname: string; query: URLSearchParams } {
  const index = request.path.indexOf('?');
  if (index < 0) return { pathname: request.path, query: new URLSearchParams() };
  return { pathname: request.path.slice(0, index), query: new URLSearchParams(request.path.slice(index + 1)) };
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>`. */
export function arnOf(environment: AwsEnvironment, service: string, resource: string): string {
  return `arn:${environment.partition}:${service}:${environment.region}:${environment.accountId}:${resource}`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string field of a JSON object, or undefined when absent or not a string. */
export function stringField(object: unknown, name: string): string | undefined {
  if (!isRecord(object)) return undefined;
  const value = object[name];
  return typeof value === 'string' ? value : undefined;
}
