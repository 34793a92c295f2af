/**
 * Paging for the fake scheduler's List operations as restJson1 carries it: MaxResults and NextToken
 * in the query string, NextToken in the output while more remain.
 */
import {
  AwsServiceError,
  constraintProblem,
  type JsonObject,
  validationError,
} from '#test/deployed/support/fakes/aws-fake-server';

/** A List operation's input from its query string (`members` maps member names to query keys). */
export function listInput(query: URLSearchParams, members: Record<string, string>): JsonObject {
  const input: JsonObject = {};
  for (const [member, key] of Object.entries(members)) {
    const value = query.get(key);
    if (value !== null) input[member] = value;
  }
  const maxResults = query.get('MaxResults');
  if (maxResults !== null) input.MaxResults = Number(maxResults);
  const nextToken = query.get('NextToken');
  if (nextToken !== null) input.NextToken = nextToken;
  return input;
}

/** One page of `items` from the input's NextToken (an offset, opaque to clients) and MaxResults (1–100). */
export function paginate<T>(items: T[], input: JsonObject): { page: T[]; NextToken?: string } {
  const max = (input.MaxResults as number | undefined) ?? 100;
  if (!Number.isInteger(max) || max < 1 || max > 100) {
    throw validationError([constraintProblem(max, 'maxResults', 'Member must have value between 1 and 100')]);
  }
  const start =
    input.NextToken === undefined ? 0 : Number(Buffer.from(input.NextToken as string, 'base64url').toString());
  if (!Number.isInteger(start) || start < 0) throw new AwsServiceError('ValidationException', 'Invalid NextToken.');
  const end = start + max;
  return {
    page: items.slice(start, end),
    NextToken: end < items.length ? Buffer.from(String(end)).toString('base64url') : undefined,
  };
}
