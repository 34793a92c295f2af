/**
 * DynamoDB (JSON 1.0, `x-amz-target: DynamoDB_20120810.<Op>`): `dynamodb:<Op>` on the table, or on
 * `…/index/<IndexName>` for a Query or Scan of an index; batches check each table, transactions
 * each item with the item's own action. With the table's partition key known, item calls carry
 * `dynamodb:LeadingKeys`.
 */
import {
  type AuthorizationCheck,
  type AwsEnvironment,
  type AwsHttpRequest,
  type RequestMappingOptions,
  unrecognisedCheck,
} from './aws-request.ts';
import type { RequestContext } from './iam-policy.ts';
import { arnOf, isRecord, jsonBody, stringField, targetOperation } from './request-parts.ts';

/** Calls that name no table. */
const ACCOUNT_WIDE = new Set(['ListTables', 'DescribeLimits', 'DescribeEndpoints', 'ListBackups', 'ListGlobalTables']);

/** A transaction item's kind and the action AWS checks for it. */
const TRANSACT_ACTIONS: Readonly<Record<string, string>> = {
  Get: 'dynamodb:GetItem',
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

/** The checks for one DynamoDB call. */
export function describeDynamoDbRequest(
  request: AwsHttpRequest,
  environment: AwsEnvironment,
  options: RequestMappingOptions,
): AuthorizationCheck[] {
  const operation = targetOperation(request, 'DynamoDB_20120810');
  if (!operation) return [unrecognisedCheck('dynamodb', 'no DynamoDB_20120810.<Op> x-amz-target header')];
  const body = jsonBody(request);
  const action = `dynamodb:${operation}`;
  const tableCheck = (actionName: string, table: string, keys: unknown[], index?: string): AuthorizationCheck => {
    const tableArn = table.startsWith('arn:') ? table : arnOf(environment, 'dynamodb', `table/${table}`);
    return {
      action: actionName,
      resource: index ? `${tableArn}/index/${index}` : tableArn,
      context: leadingKeys(options.partitionKeyOf?.(table.replace(/^.*:table\//, '')), keys),
    };
  };

  if (ACCOUNT_WIDE.has(operation)) return [{ action, resource: '*', context: {} }];
  if (operation === 'BatchGetItem' || operation === 'BatchWriteItem') {
    const requestItems = isRecord(body.RequestItems) ? body.RequestItems : {};
    return Object.entries(requestItems).map(([table, entry]) => tableCheck(action, table, batchKeys(entry)));
  }
  if (operation === 'TransactGetItems' || operation === 'TransactWriteItems') {
    const items = Array.isArray(body.TransactItems) ? body.TransactItems : [];
    return items.flatMap((item) =>
      Object.entries(isRecord(item) ? item : {}).map(([kind, detail]) => {
        const table = stringField(detail, 'TableName');
        const itemAction = TRANSACT_ACTIONS[kind];
        if (!table || !itemAction) return unrecognisedCheck(`dynamodb:${operation}`, `unreadable item "${kind}"`);
        return tableCheck(itemAction, table, [isRecord(detail) ? (detail.Key ?? detail.Item) : undefined]);
      }),
    );
  }
  const table = stringField(body, 'TableName');
  if (table) {
    const index = operation === 'Query' || operation === 'Scan' ? stringField(body, 'IndexName') : undefined;
    const keys = operation === 'Query' ? [queryKey(body, options.partitionKeyOf?.(table))] : [body.Key ?? body.Item];
    return [tableCheck(action, table, keys, index)];
  }
  const resourceArn = stringField(body, 'ResourceArn');
  if (resourceArn) return [{ action, resource: resourceArn, context: {} }];
  return [unrecognisedCheck(action, `no table named in ${operation}`)];
}

/** `dynamodb:LeadingKeys`: the partition key values the call touches, when all of them are visible. */
function leadingKeys(partitionKey: string | undefined, keys: unknown[]): RequestContext {
  if (!partitionKey) return {};
  const values = keys.map((key) => (isRecord(key) ? attributeText(key[partitionKey]) : undefined));
  if (values.length === 0 || values.some((value) => value === undefined)) return {};
  return { 'dynamodb:LeadingKeys': [...new Set(values as string[])] };
}

function batchKeys(entry: unknown): unknown[] {
  if (Array.isArray(entry)) {
    // BatchWriteItem: [{ PutRequest: { Item } } | { DeleteRequest: { Key } }]
    return entry.map((write) => {
      if (!isRecord(write)) return undefined;
      if (isRecord(write.PutRequest)) return write.PutRequest.Item;
      if (isRecord(write.DeleteRequest)) return write.DeleteRequest.Key;
      return undefined;
    });
  }
  // BatchGetItem: { Keys: [...] }
  return isRecord(entry) && Array.isArray(entry.Keys) ? entry.Keys : [undefined];
}

/** The partition key's value in a Query's `KeyConditionExpression` (`#pk = :pk AND …`), as a key object. */
function queryKey(body: Record<string, unknown>, partitionKey: string | undefined): unknown {
  const expression = stringField(body, 'KeyConditionExpression');
  if (!partitionKey || !expression) return undefined;
  const names = isRecord(body.ExpressionAttributeNames) ? body.ExpressionAttributeNames : {};
  const values = isRecord(body.ExpressionAttributeValues) ? body.ExpressionAttributeValues : {};
  for (const [, name = '', placeholder = ''] of expression.matchAll(/(#?[\w.-]+)\s*=\s*(:[\w-]+)/g)) {
    const attribute = name.startsWith('#') ? names[name] : name;
    if (attribute === partitionKey) return { [partitionKey]: values[placeholder] };
  }
  return undefined;
}

/** A key attribute's value as IAM sees it: the string or number's text, a binary's base64. */
function attributeText(value: unknown): string | undefined {
  return stringField(value, 'S') ?? stringField(value, 'N') ?? stringField(value, 'B');
}
