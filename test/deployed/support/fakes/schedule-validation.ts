/**
 * The request validation EventBridge Scheduler applies to CreateSchedule, UpdateSchedule and
 * CreateScheduleGroup, answered as the service answers it: every constraint broken listed in one
 * ValidationException, then the checks on the expression, time zone and flexible window.
 */
import {
  AwsServiceError,
  constraintProblem,
  isJsonObject,
  type JsonObject,
  validationError,
} from '#test/deployed/support/fakes/aws-fake-server';
import { isScheduleExpression, isTimeZone } from '#test/deployed/support/fakes/schedule-expression';

const NAME_PATTERN = /^[0-9a-zA-Z-_.]+$/;
const NAME_MAX_LENGTH = 64;

/** Throws the ValidationException the service answers for a malformed Create/UpdateSchedule input. */
export function validateSchedule(input: JsonObject): void {
  const problems = [...nameProblems(input.Name, 'name')];
  if (input.GroupName !== undefined) problems.push(...nameProblems(input.GroupName, 'groupName'));
  const expression = input.ScheduleExpression;
  if (typeof expression !== 'string') {
    problems.push(constraintProblem(expression, 'scheduleExpression', 'Member must not be null'));
  } else if (expression.length > 256) {
    problems.push(
      constraintProblem(expression, 'scheduleExpression', 'Member must have length less than or equal to 256'),
    );
  }
  const window = input.FlexibleTimeWindow;
  if (!isJsonObject(window)) {
    problems.push(constraintProblem(window, 'flexibleTimeWindow', 'Member must not be null'));
  } else if (window.Mode !== 'OFF' && window.Mode !== 'FLEXIBLE') {
    problems.push(
      constraintProblem(window.Mode, 'flexibleTimeWindow.mode', 'Member must satisfy enum value set: [OFF, FLEXIBLE]'),
    );
  }
  const target = input.Target;
  if (!isJsonObject(target)) {
    problems.push(constraintProblem(target, 'target', 'Member must not be null'));
  } else {
    if (typeof target.Arn !== 'string') {
      problems.push(constraintProblem(target.Arn, 'target.arn', 'Member must not be null'));
    }
    if (typeof target.RoleArn !== 'string') {
      problems.push(constraintProblem(target.RoleArn, 'target.roleArn', 'Member must not be null'));
    }
  }
  enumProblem(problems, input.State, 'state', ['ENABLED', 'DISABLED']);
  enumProblem(problems, input.ActionAfterCompletion, 'actionAfterCompletion', ['NONE', 'DELETE']);
  if (problems.length > 0) throw validationError(problems);
  if (!isScheduleExpression(expression as string)) {
    throw new AwsServiceError('ValidationException', `Invalid Schedule Expression ${expression}.`);
  }
  const timeZone = input.ScheduleExpressionTimezone;
  if (timeZone !== undefined && (typeof timeZone !== 'string' || !isTimeZone(timeZone))) {
    throw new AwsServiceError('ValidationException', `Invalid ScheduleExpressionTimezone ${String(timeZone)}.`);
  }
  const minutes = isJsonObject(window) ? window.MaximumWindowInMinutes : undefined;
  if (
    isJsonObject(window) &&
    window.Mode === 'FLEXIBLE' &&
    (typeof minutes !== 'number' || minutes < 1 || minutes > 1440)
  ) {
    throw new AwsServiceError(
      'ValidationException',
      'MaximumWindowInMinutes must be between 1 and 1440 when Mode is FLEXIBLE.',
    );
  }
}

/** Throws the ValidationException for a schedule or group name Scheduler would refuse. */
export function validateName(name: unknown, at: string): void {
  const problems = nameProblems(name, at);
  if (problems.length > 0) throw validationError(problems);
}

function nameProblems(name: unknown, at: string): string[] {
  if (typeof name !== 'string') return [constraintProblem(name, at, 'Member must not be null')];
  const problems: string[] = [];
  if (name.length > NAME_MAX_LENGTH) {
    problems.push(constraintProblem(name, at, 'Member must have length less than or equal to 64'));
  }
  if (!NAME_PATTERN.test(name)) {
    problems.push(constraintProblem(name, at, 'Member must satisfy regular expression pattern: ^[0-9a-zA-Z-_.]+$'));
  }
  return problems;
}

function enumProblem(problems: string[], value: unknown, at: string, allowed: string[]): void {
  if (value !== undefined && !allowed.includes(value as string)) {
    problems.push(constraintProblem(value, at, `Member must satisfy enum value set: [${allowed.join(', ')}]`));
  }
}
