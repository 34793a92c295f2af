/**
 * A statement's `Condition` block decided against a request context, as IAM decides it: operators
 * AND, keys within an operator AND, values for a key OR (NOR for the negated operators), with the
 * `IfExists` suffix and the `ForAllValues:` / `ForAnyValue:` set qualifiers.
 */
import { matchesArn, matchesWildcard } from './iam-pattern.ts';

/** A value in the request context: one string, a set of strings, or a boolean. */
export type ContextValue = string | readonly string[] | boolean;

/** The request context, keyed by condition key (`aws:SourceArn`, `iam:PassedToService`, …). */
export type RequestContext = Readonly<Record<string, ContextValue>>;

/** What a policy may write as a condition value. */
export type ConditionValue = string | number | boolean;

/** `{ "<operator>": { "<key>": value | value[] } }`, as in a policy statement. */
export type ConditionBlock = Readonly<
  Record<string, Readonly<Record<string, ConditionValue | readonly ConditionValue[]>>>
>;

/**
 * A policy this evaluator cannot read (an unknown operator, a statement without Action); it
 * refuses rather than guess.
 */
export class UnsupportedPolicyError extends Error {
  override name = 'UnsupportedPolicyError';
}

/** Whether the block holds and, if not, the first operator and key that failed. */
export interface ConditionOutcome {
  holds: boolean;
  /** `<operator> on <key>`, when `holds` is false. */
  failed?: string;
}

interface BaseOperator {
  /** Whether one request value matches one policy value, before any negation. */
  matches(requestValue: string, policyValue: string): boolean;
  negated: boolean;
}

const numeric = (test: (a: number, b: number) => boolean) => (a: string, b: string) => {
  const [x, y] = [Number(a), Number(b)];
  return !Number.isNaN(x) && !Number.isNaN(y) && test(x, y);
};
const date = (test: (a: number, b: number) => boolean) => (a: string, b: string) => {
  const [x, y] = [toEpochMs(a), toEpochMs(b)];
  return !Number.isNaN(x) && !Number.isNaN(y) && test(x, y);
};
const equal = (a: number, b: number) => a === b;
const less = (a: number, b: number) => a < b;
const lessOrEqual = (a: number, b: number) => a <= b;
const greater = (a: number, b: number) => a > b;
const greaterOrEqual = (a: number, b: number) => a >= b;

const positive = (matches: BaseOperator['matches']): BaseOperator => ({ matches, negated: false });
const negative = (matches: BaseOperator['matches']): BaseOperator => ({ matches, negated: true });
const stringEquals = (a: string, b: string) => a === b;
const stringEqualsIgnoreCase = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const stringLike = (a: string, b: string) => matchesWildcard(b, a);
const arnLike = (a: string, b: string) => matchesArn(b, a);

const OPERATORS: Readonly<Record<string, BaseOperator>> = {
  StringEquals: positive(stringEquals),
  StringNotEquals: negative(stringEquals),
  StringEqualsIgnoreCase: positive(stringEqualsIgnoreCase),
  StringNotEqualsIgnoreCase: negative(stringEqualsIgnoreCase),
  StringLike: positive(stringLike),
  StringNotLike: negative(stringLike),
  ArnEquals: positive(arnLike),
  ArnLike: positive(arnLike),
  ArnNotEquals: negative(arnLike),
  ArnNotLike: negative(arnLike),
  Bool: positive(stringEqualsIgnoreCase),
  NumericEquals: positive(numeric(equal)),
  NumericNotEquals: negative(numeric(equal)),
  NumericLessThan: positive(numeric(less)),
  NumericLessThanEquals: positive(numeric(lessOrEqual)),
  NumericGreaterThan: positive(numeric(greater)),
  NumericGreaterThanEquals: positive(numeric(greaterOrEqual)),
  DateEquals: positive(date(equal)),
  DateNotEquals: negative(date(equal)),
  DateLessThan: positive(date(less)),
  DateLessThanEquals: positive(date(lessOrEqual)),
  DateGreaterThan: positive(date(greater)),
  DateGreaterThanEquals: positive(date(greaterOrEqual)),
};

const OPERATOR_SYNTAX = /^(?:(ForAllValues|ForAnyValue):)?(.+?)(IfExists)?$/;

/** Decides `block` against `context`; throws UnsupportedPolicyError on an unknown operator. */
export function evaluateCondition(block: ConditionBlock, context: RequestContext): ConditionOutcome {
  const lookup = new Map(Object.entries(context).map(([key, value]) => [key.toLowerCase(), value]));
  for (const [operator, keys] of Object.entries(block)) {
    const test = compileOperator(operator);
    for (const [key, policyValues] of Object.entries(keys)) {
      const values = (Array.isArray(policyValues) ? policyValues : [policyValues]).map(String);
      if (!test(lookup.get(key.toLowerCase()), values)) return { holds: false, failed: `${operator} on ${key}` };
    }
  }
  return { holds: true };
}

type KeyTest = (requestValue: ContextValue | undefined, policyValues: readonly string[]) => boolean;

function compileOperator(operator: string): KeyTest {
  const [, qualifier, baseName = '', ifExists] = OPERATOR_SYNTAX.exec(operator) ?? [];
  if (baseName === 'Null' && !qualifier && !ifExists) {
    return (requestValue, policyValues) =>
      policyValues.some((wanted) => (wanted.toLowerCase() === 'true') === (toValues(requestValue).length === 0));
  }
  const base = OPERATORS[baseName];
  if (!base) throw new UnsupportedPolicyError(`unsupported condition operator "${operator}"`);
  return (requestValue, policyValues) => {
    const values = toValues(requestValue);
    if (values.length === 0 && ifExists) return true;
    const matchesOne = (value: string) => policyValues.some((policyValue) => base.matches(value, policyValue));
    // A negated operator holds for a value that matches none of the policy's values (NOR).
    const holdsFor = (value: string) => (base.negated ? !matchesOne(value) : matchesOne(value));
    if (qualifier === 'ForAllValues') return values.every(holdsFor);
    if (qualifier === 'ForAnyValue') return values.some(holdsFor);
    // A key missing from the request matches nothing, so only a negated operator holds.
    if (values.length === 0) return base.negated;
    return base.negated ? !values.some(matchesOne) : values.some(matchesOne);
  };
}

function toValues(value: ContextValue | undefined): readonly string[] {
  if (value === undefined) return [];
  if (typeof value === 'boolean') return [String(value)];
  return typeof value === 'string' ? [value] : value;
}

/** Dates in a policy or context are ISO 8601 or epoch seconds. */
function toEpochMs(value: string): number {
  return /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value);
}
