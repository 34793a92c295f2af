import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { GSI1_PROJECTED_ATTRIBUTES, TABLE_KEYS } from '#lib/adapters/aws/table-definition';
import { ENV } from '#lib/config';
import type { LambdaFunction } from './lambda-function.ts';

const string = (name: string) => ({ name, type: dynamodb.AttributeType.STRING });

/**
 * What the DynamoDB store (lib/adapters/aws/dynamo-*.ts) calls, and the batch forms of the same.
 * Narrower than CDK's grantReadData/grantReadWriteData: no Scan (nothing lists the whole table),
 * no DescribeTable, no stream reads.
 */
export const TABLE_READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
] as const;
export const TABLE_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
] as const;

/**
 * The one DynamoDB table, with the keys and index of `tableDefinition` (the same names the local
 * runtime and tests create), on-demand, with point-in-time recovery and deletion protection. It
 * holds every tenant's data, so it is retained when the stack is deleted.
 */
export class Storage extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const { partitionKey, sortKey, gsi1, gsi2, timeToLive } = TABLE_KEYS;
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: string(partitionKey),
      sortKey: string(sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: timeToLive,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: gsi1.indexName,
      partitionKey: string(gsi1.partitionKey),
      sortKey: string(gsi1.sortKey),
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: [...GSI1_PROJECTED_ATTRIBUTES],
    });
    // The inbox index (see table-definition.ts).
    this.table.addGlobalSecondaryIndex({
      indexName: gsi2.indexName,
      partitionKey: string(gsi2.partitionKey),
      sortKey: string(gsi2.sortKey),
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }

  /** Item reads and writes on the table and its index, and the table name in ENV.tableName. */
  grantReadWrite(fn: LambdaFunction): void {
    this.grant(fn, [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS]);
  }

  /** Queries only (the recovery sweep lists pending work through the index), and ENV.tableName. */
  grantQuery(fn: LambdaFunction): void {
    this.grant(fn, ['dynamodb:Query']);
  }

  private grant(fn: LambdaFunction, actions: readonly string[]): void {
    // The index by name rather than CDK's table/…/index/*: no wildcard to justify.
    const indexArns = [TABLE_KEYS.gsi1, TABLE_KEYS.gsi2].map((gsi) => `${this.table.tableArn}/index/${gsi.indexName}`);
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: [...actions], resources: [this.table.tableArn, ...indexArns] }),
    );
    fn.addEnvironment(ENV.tableName, this.table.tableName);
  }
}
