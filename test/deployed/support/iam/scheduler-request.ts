/**
 * EventBridge Scheduler's REST-JSON API: `/schedules/{Name}` (POST create, PUT update, GET, DELETE)
 * on `schedule/<group>/<name>`, the group from the body's GroupName or the `groupName` query
 * parameter (`default` otherwise); `/schedule-groups/{Name}` on `schedule-group/<name>`; the two
 * lists on `*`. Creating or updating a schedule also passes its target's role to the service:
 * `iam:PassRole` on Target.RoleArn with `iam:PassedToService = scheduler.amazonaws.com`.
 */
import { type AuthorizationCheck, type AwsEnvironment, type AwsHttpRequest, unrecognisedCheck } from './aws-request.ts';
import { arnOf, jsonBody, splitPath, stringField } from './request-parts.ts';

const SCHEDULE_ACTIONS: Readonly<Record<string, string>> = {
  POST: 'CreateSchedule',
  PUT: 'UpdateSchedule',
  GET: 'GetSchedule',
  DELETE: 'DeleteSchedule',
};
const GROUP_ACTIONS: Readonly<Record<string, string>> = {
  POST: 'CreateScheduleGroup',
  GET: 'GetScheduleGroup',
  DELETE: 'DeleteScheduleGroup',
};

/** The checks for one Scheduler call. */
export function describeSchedulerRequest(request: AwsHttpRequest, environment: AwsEnvironment): AuthorizationCheck[] {
  const { pathname, query } = splitPath(request);
  const method = request.method.toUpperCase();
  const [collection, encodedName, ...rest] = pathname.split('/').filter(Boolean);
  const unrecognised = () => unrecognisedCheck(`scheduler:${method}`, `no mapping for ${method} ${request.path}`);
  if (rest.length > 0) return [unrecognised()];

  if (collection === 'schedules' && encodedName === undefined && method === 'GET') {
    return [{ action: 'scheduler:ListSchedules', resource: '*', context: {} }];
  }
  if (collection === 'schedule-groups' && encodedName === undefined && method === 'GET') {
    return [{ action: 'scheduler:ListScheduleGroups', resource: '*', context: {} }];
  }
  if (collection === 'schedule-groups' && encodedName !== undefined && GROUP_ACTIONS[method]) {
    const resource = arnOf(environment, 'scheduler', `schedule-group/${decodeURIComponent(encodedName)}`);
    return [{ action: `scheduler:${GROUP_ACTIONS[method]}`, resource, context: {} }];
  }
  const operation = SCHEDULE_ACTIONS[method];
  if (collection !== 'schedules' || encodedName === undefined || !operation) return [unrecognised()];

  const body = method === 'POST' || method === 'PUT' ? jsonBody(request) : {};
  const group = stringField(body, 'GroupName') ?? query.get('groupName') ?? 'default';
  const resource = arnOf(environment, 'scheduler', `schedule/${group}/${decodeURIComponent(encodedName)}`);
  const checks: AuthorizationCheck[] = [{ action: `scheduler:${operation}`, resource, context: {} }];
  const roleArn = stringField(body.Target, 'RoleArn');
  if (roleArn) {
    checks.push({
      action: 'iam:PassRole',
      resource: roleArn,
      context: { 'iam:PassedToService': 'scheduler.amazonaws.com' },
    });
  }
  return checks;
}
