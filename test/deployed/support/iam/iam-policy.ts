/**
 * IAM's decision for identity-based policies: an explicit Deny in any statement wins, else an Allow
 * in any statement allows, else the request is implicitly denied. Statements match on
 * Action/NotAction (case-insensitive), Resource/NotResource (case-sensitive) and their Condition.
 * Policies arrive resolved: plain strings, no CloudFormation intrinsics.
 */
import {
  type ConditionBlock,
  type ContextValue,
  type RequestContext,
  UnsupportedPolicyError,
  evaluateCondition,
} from './iam-condition.ts';
import { matchesWildcard } from './iam-pattern.ts';

export type { ContextValue, RequestContext };

/** One statement of a policy document. */
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | readonly string[];
  NotAction?: string | readonly string[];
  Resource?: string | readonly string[];
  NotResource?: string | readonly string[];
  Condition?: ConditionBlock;
}

/** A policy document; a single statement may stand without its array, as IAM allows. */
export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement | readonly PolicyStatement[];
}

/** A named policy (`AWS::IAM::Policy`'s PolicyName, or a managed policy's name). */
export interface IdentityPolicy {
  name: string;
  document: PolicyDocument;
}

/** One authorisation check: `service:Action` on a resource ARN, with its request context. */
export interface AuthorizationRequest {
  action: string;
  resource: string;
  context: RequestContext;
}

/** Which statement decided: the policy's name, the statement's index in it and its Sid. */
export interface StatementReference {
  policyName: string;
  index: number;
  sid?: string;
}

/** The outcome of one check, with the deciding statement (if any) and a sentence saying why. */
export type PolicyDecision =
  | { allowed: true; kind: 'allow'; statement: StatementReference; reason: string }
  | { allowed: false; kind: 'explicit-deny'; statement: StatementReference; reason: string }
  | { allowed: false; kind: 'implicit-deny'; reason: string };

/**
 * Decides `request` against `policies` as IAM does for an identity with no resource policy, no
 * permissions boundary and no SCP. A statement this evaluator cannot read (an unknown condition
 * operator, no Action nor NotAction) denies the request, saying why, rather than being skipped.
 */
export function evaluatePolicies(policies: readonly IdentityPolicy[], request: AuthorizationRequest): PolicyDecision {
  let allowedBy: StatementReference | undefined;
  for (const policy of policies) {
    const statements = asList(policy.document.Statement);
    for (const [index, statement] of statements.entries()) {
      const reference: StatementReference = {
        policyName: policy.name,
        index,
        ...(statement.Sid ? { sid: statement.Sid } : {}),
      };
      let applies: boolean;
      try {
        applies = statementApplies(statement, request);
      } catch (error) {
        if (!(error instanceof UnsupportedPolicyError)) throw error;
        return { allowed: false, kind: 'implicit-deny', reason: `${describe(reference)}: ${error.message}` };
      }
      if (!applies) continue;
      if (statement.Effect === 'Deny') {
        return {
          allowed: false,
          kind: 'explicit-deny',
          statement: reference,
          reason: `${request.action} on ${request.resource} is explicitly denied by ${describe(reference)}`,
        };
      }
      allowedBy ??= reference;
    }
  }
  if (allowedBy) {
    return {
      allowed: true,
      kind: 'allow',
      statement: allowedBy,
      reason: `${request.action} on ${request.resource} is allowed by ${describe(allowedBy)}`,
    };
  }
  return {
    allowed: false,
    kind: 'implicit-deny',
    reason: `no identity-based policy allows ${request.action} on ${request.resource}`,
  };
}

function statementApplies(statement: PolicyStatement, request: AuthorizationRequest): boolean {
  const actionMatches = (pattern: string) => matchesWildcard(pattern, request.action, true);
  const resourceMatches = (pattern: string) => matchesWildcard(pattern, request.resource);
  if (!statement.Action === !statement.NotAction || !statement.Resource === !statement.NotResource) {
    throw new UnsupportedPolicyError('a statement needs exactly one of Action/NotAction and of Resource/NotResource');
  }
  const action = statement.Action
    ? asList(statement.Action).some(actionMatches)
    : !asList(statement.NotAction ?? []).some(actionMatches);
  if (!action) return false;
  const resource = statement.Resource
    ? asList(statement.Resource).some(resourceMatches)
    : !asList(statement.NotResource ?? []).some(resourceMatches);
  if (!resource) return false;
  return statement.Condition ? evaluateCondition(statement.Condition, request.context).holds : true;
}

function asList<T>(value: T | readonly T[]): readonly T[] {
  return Array.isArray(value) ? value : [value as T];
}

function describe(reference: StatementReference): string {
  return `${reference.policyName} statement ${reference.index}${reference.sid ? ` (${reference.sid})` : ''}`;
}
