import {
  type AuthorizationRequest,
  type IdentityPolicy,
  type PolicyStatement,
  evaluatePolicies,
} from '#test/deployed/support/iam/iam-policy';

const TABLE = 'arn:aws:dynamodb:us-east-1:123456789012:table/parley';

function policyOf(...statements: PolicyStatement[]): IdentityPolicy[] {
  return [{ name: 'FunctionPolicy', document: { Version: '2012-10-17', Statement: statements } }];
}

function request(
  action: string,
  resource: string,
  context: AuthorizationRequest['context'] = {},
): AuthorizationRequest {
  return { action, resource, context };
}

function allows(statement: PolicyStatement, call: AuthorizationRequest): boolean {
  return evaluatePolicies(policyOf(statement), call).allowed;
}

describe('evaluatePolicies', () => {
  describe('actions and resources', () => {
    it('denies implicitly when no statement allows the call, and says so', () => {
      const decision = evaluatePolicies(policyOf(), request('dynamodb:GetItem', TABLE));

      expect(decision).toEqual({
        allowed: false,
        kind: 'implicit-deny',
        reason: `no identity-based policy allows dynamodb:GetItem on ${TABLE}`,
      });
    });

    it('allows a call a statement names, and points at that statement', () => {
      const policies = policyOf({ Sid: 'Read', Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: TABLE });

      const decision = evaluatePolicies(policies, request('dynamodb:GetItem', TABLE));

      expect(decision).toMatchObject({
        allowed: true,
        kind: 'allow',
        statement: { policyName: 'FunctionPolicy', index: 0, sid: 'Read' },
      });
    });

    it('matches actions case-insensitively and with * and ? wildcards', () => {
      expect(
        allows({ Effect: 'Allow', Action: 'DynamoDB:getitem', Resource: '*' }, request('dynamodb:GetItem', TABLE)),
      ).toBe(true);
      expect(
        allows({ Effect: 'Allow', Action: 'dynamodb:*Item', Resource: '*' }, request('dynamodb:PutItem', TABLE)),
      ).toBe(true);
      expect(
        allows({ Effect: 'Allow', Action: 'sqs:?etQueueUrl', Resource: '*' }, request('sqs:GetQueueUrl', TABLE)),
      ).toBe(true);
      expect(
        allows({ Effect: 'Allow', Action: 'dynamodb:Get*', Resource: '*' }, request('dynamodb:PutItem', TABLE)),
      ).toBe(false);
    });

    it('matches resources case-sensitively, with * spanning slashes and colons', () => {
      const statement = (Resource: string): PolicyStatement => ({ Effect: 'Allow', Action: '*', Resource });

      expect(allows(statement('arn:aws:s3:::bucket/*'), request('s3:GetObject', 'arn:aws:s3:::bucket/a/b:c'))).toBe(
        true,
      );
      expect(allows(statement('arn:aws:s3:::Bucket/*'), request('s3:GetObject', 'arn:aws:s3:::bucket/a'))).toBe(false);
      expect(allows(statement('arn:aws:dynamodb:*'), request('dynamodb:Query', `${TABLE}/index/byEmail`))).toBe(true);
      expect(
        allows(
          statement('arn:aws:sqs:us-east-1:123456789012:queue-?'),
          request('sqs:SendMessage', 'arn:aws:sqs:us-east-1:123456789012:queue-10'),
        ),
      ).toBe(false);
    });

    it('does not let a table grant reach the table’s indexes', () => {
      const statement: PolicyStatement = { Effect: 'Allow', Action: 'dynamodb:Query', Resource: TABLE };

      expect(allows(statement, request('dynamodb:Query', `${TABLE}/index/byEmail`))).toBe(false);
    });

    it('reads NotAction as every action but those listed', () => {
      const statement: PolicyStatement = { Effect: 'Allow', NotAction: ['dynamodb:Delete*'], Resource: '*' };

      expect(allows(statement, request('dynamodb:PutItem', TABLE))).toBe(true);
      expect(allows(statement, request('dynamodb:DeleteItem', TABLE))).toBe(false);
    });

    it('reads NotResource as every resource but those listed', () => {
      const statement: PolicyStatement = { Effect: 'Allow', Action: 's3:*', NotResource: 'arn:aws:s3:::secret/*' };

      expect(allows(statement, request('s3:GetObject', 'arn:aws:s3:::public/a'))).toBe(true);
      expect(allows(statement, request('s3:GetObject', 'arn:aws:s3:::secret/a'))).toBe(false);
    });

    it('lets an explicit Deny win over any Allow, in any policy and in any order', () => {
      const policies: IdentityPolicy[] = [
        { name: 'Deny', document: { Statement: { Effect: 'Deny', Action: 'dynamodb:DeleteItem', Resource: '*' } } },
        { name: 'Allow', document: { Statement: { Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' } } },
      ];

      const decision = evaluatePolicies(policies, request('dynamodb:DeleteItem', TABLE));

      expect(decision).toMatchObject({
        allowed: false,
        kind: 'explicit-deny',
        statement: { policyName: 'Deny', index: 0 },
        reason: `dynamodb:DeleteItem on ${TABLE} is explicitly denied by Deny statement 0`,
      });
    });

    it('refuses a statement it cannot read instead of skipping it', () => {
      const decision = evaluatePolicies(
        policyOf({
          Effect: 'Allow',
          Action: '*',
          Resource: '*',
          Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
        }),
        request('dynamodb:GetItem', TABLE),
      );

      expect(decision).toMatchObject({ allowed: false, reason: expect.stringContaining('"IpAddress"') });
    });
  });

  describe('conditions', () => {
    const when = (Condition: PolicyStatement['Condition'], context: AuthorizationRequest['context']) =>
      allows({ Effect: 'Allow', Action: '*', Resource: '*', Condition }, request('dynamodb:GetItem', TABLE, context));

    it('compares StringEquals exactly and StringEqualsIgnoreCase without case', () => {
      expect(when({ StringEquals: { 'aws:RequestTag/team': 'sales' } }, { 'aws:RequestTag/team': 'sales' })).toBe(true);
      expect(when({ StringEquals: { 'aws:RequestTag/team': 'sales' } }, { 'aws:RequestTag/team': 'Sales' })).toBe(
        false,
      );
      expect(
        when({ StringEqualsIgnoreCase: { 'aws:RequestTag/team': 'sales' } }, { 'aws:RequestTag/team': 'SALES' }),
      ).toBe(true);
    });

    it('treats condition key names without case', () => {
      expect(when({ StringEquals: { 'AWS:RequestTag/team': 'sales' } }, { 'aws:requesttag/team': 'sales' })).toBe(true);
    });

    it('ORs the values of one key and ANDs keys and operators', () => {
      const condition = {
        StringEquals: { 'k:a': ['1', '2'], 'k:b': '3' },
        StringLike: { 'k:c': 'x*' },
      };

      expect(when(condition, { 'k:a': '2', 'k:b': '3', 'k:c': 'xyz' })).toBe(true);
      expect(when(condition, { 'k:a': '2', 'k:b': '4', 'k:c': 'xyz' })).toBe(false);
      expect(when(condition, { 'k:a': '2', 'k:b': '3', 'k:c': 'yz' })).toBe(false);
    });

    it('reads StringNotEquals and StringNotLike as matching none of the values', () => {
      expect(when({ StringNotEquals: { 'k:a': ['1', '2'] } }, { 'k:a': '3' })).toBe(true);
      expect(when({ StringNotEquals: { 'k:a': ['1', '2'] } }, { 'k:a': '2' })).toBe(false);
      expect(when({ StringNotLike: { 'k:a': 'tmp/*' } }, { 'k:a': 'tmp/x' })).toBe(false);
      expect(when({ StringNotLike: { 'k:a': 'tmp/*' } }, { 'k:a': 'docs/x' })).toBe(true);
    });

    it('fails a positive operator on a key the request lacks, and passes a negated one', () => {
      expect(when({ StringEquals: { 'k:missing': 'x' } }, {})).toBe(false);
      expect(when({ StringLike: { 'k:missing': '*' } }, {})).toBe(false);
      expect(when({ StringNotEquals: { 'k:missing': 'x' } }, {})).toBe(true);
      expect(when({ ArnNotLike: { 'k:missing': 'arn:aws:s3:::x' } }, {})).toBe(true);
    });

    it('passes an IfExists operator when the key is missing and tests it when present', () => {
      expect(when({ StringEqualsIfExists: { 'k:a': 'x' } }, {})).toBe(true);
      expect(when({ StringEqualsIfExists: { 'k:a': 'x' } }, { 'k:a': 'x' })).toBe(true);
      expect(when({ StringEqualsIfExists: { 'k:a': 'x' } }, { 'k:a': 'y' })).toBe(false);
    });

    it('compares ARNs part by part with ArnEquals, ArnLike and ArnNotLike', () => {
      const source = { 'aws:SourceArn': 'arn:aws:lambda:us-east-1:123456789012:function:reply' };

      expect(
        when({ ArnEquals: { 'aws:SourceArn': 'arn:aws:lambda:us-east-1:123456789012:function:reply' } }, source),
      ).toBe(true);
      expect(when({ ArnLike: { 'aws:SourceArn': 'arn:aws:lambda:*:123456789012:function:*' } }, source)).toBe(true);
      expect(when({ ArnLike: { 'aws:SourceArn': 'arn:aws:lambda:*:function:reply' } }, source)).toBe(false);
      expect(when({ ArnNotLike: { 'aws:SourceArn': 'arn:aws:lambda:*:*:function:deliver' } }, source)).toBe(true);
      expect(when({ ArnLike: { 'aws:SourceArn': 'arn:aws:*' } }, { 'aws:SourceArn': 'not-an-arn' })).toBe(false);
    });

    it('compares Bool values as booleans or their strings', () => {
      expect(when({ Bool: { 'aws:SecureTransport': 'true' } }, { 'aws:SecureTransport': true })).toBe(true);
      expect(when({ Bool: { 'aws:SecureTransport': true } }, { 'aws:SecureTransport': 'false' })).toBe(false);
    });

    it('reads Null as a test of whether the key is missing', () => {
      expect(when({ Null: { 'k:a': 'true' } }, {})).toBe(true);
      expect(when({ Null: { 'k:a': 'true' } }, { 'k:a': 'x' })).toBe(false);
      expect(when({ Null: { 'k:a': 'false' } }, { 'k:a': 'x' })).toBe(true);
    });

    it('compares numbers and dates', () => {
      expect(when({ NumericLessThanEquals: { 's3:max-keys': '10' } }, { 's3:max-keys': '10' })).toBe(true);
      expect(when({ NumericLessThan: { 's3:max-keys': 10 } }, { 's3:max-keys': '11' })).toBe(false);
      expect(when({ NumericEquals: { 's3:max-keys': '1' } }, { 's3:max-keys': 'one' })).toBe(false);
      expect(
        when(
          { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } },
          { 'aws:CurrentTime': '2026-05-01T00:00:00Z' },
        ),
      ).toBe(true);
    });

    it('holds ForAllValues:StringLike on dynamodb:LeadingKeys when every key matches, or none are given', () => {
      const condition = { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['tenant-a#*'] } };

      expect(when(condition, { 'dynamodb:LeadingKeys': ['tenant-a#1', 'tenant-a#2'] })).toBe(true);
      expect(when(condition, { 'dynamodb:LeadingKeys': ['tenant-a#1', 'tenant-b#2'] })).toBe(false);
      expect(when(condition, {})).toBe(true);
    });

    it('holds ForAnyValue when one value matches, and never when the key is missing', () => {
      const condition = { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team', 'owner'] } };

      expect(when(condition, { 'aws:TagKeys': ['cost', 'owner'] })).toBe(true);
      expect(when(condition, { 'aws:TagKeys': ['cost'] })).toBe(false);
      expect(when(condition, {})).toBe(false);
      expect(when({ 'ForAnyValue:StringEqualsIfExists': { 'aws:TagKeys': 'team' } }, {})).toBe(true);
    });

    it('negates per value under a set qualifier', () => {
      const condition = { 'ForAllValues:StringNotLike': { 'aws:TagKeys': ['secret*'] } };

      expect(when(condition, { 'aws:TagKeys': ['team', 'owner'] })).toBe(true);
      expect(when(condition, { 'aws:TagKeys': ['team', 'secretKey'] })).toBe(false);
    });

    it('allows iam:PassRole only to the service the condition names', () => {
      const role = 'arn:aws:iam::123456789012:role/parley-scheduler';
      const statement: PolicyStatement = {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: role,
        Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      };

      expect(
        allows(statement, request('iam:PassRole', role, { 'iam:PassedToService': 'scheduler.amazonaws.com' })),
      ).toBe(true);
      expect(allows(statement, request('iam:PassRole', role, { 'iam:PassedToService': 'lambda.amazonaws.com' }))).toBe(
        false,
      );
      expect(allows(statement, request('iam:PassRole', role))).toBe(false);
    });

    it('makes a conditional Deny apply only when its condition holds', () => {
      const policies = policyOf(
        { Effect: 'Allow', Action: 's3:*', Resource: '*' },
        { Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      );

      expect(
        evaluatePolicies(policies, request('s3:GetObject', 'arn:aws:s3:::b/k', { 'aws:SecureTransport': true }))
          .allowed,
      ).toBe(true);
      expect(
        evaluatePolicies(policies, request('s3:GetObject', 'arn:aws:s3:::b/k', { 'aws:SecureTransport': false })).kind,
      ).toBe('explicit-deny');
    });
  });
});
