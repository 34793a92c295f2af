/**
 * A recording fake of EventBridge Scheduler on loopback, speaking restJson1 as the service does, for
 * the deployed-shape suite: the real `SchedulerClient` reaches it through `endpoint` or
 * `AWS_ENDPOINT_URL_SCHEDULER`. It keeps schedules by group and name, answers the service's errors
 * (409 ConflictException, 404 ResourceNotFoundException, 400 ValidationException), and lets a
 * harness fire one-time schedules (`due`, then `complete` once the target ran).
 */
import type { FlexibleTimeWindow, Target } from '@aws-sdk/client-scheduler';
import {
  type AwsFakeServer,
  AwsServiceError,
  type FakeRequest,
  isJsonObject,
  type JsonObject,
  type RecordedCall,
  recordCall,
  startAwsFakeServer,
  toEpochSeconds,
} from '#test/deployed/support/fakes/aws-fake-server';
import { atExpressionTime } from '#test/deployed/support/fakes/schedule-expression';
import { validateName, validateSchedule } from '#test/deployed/support/fakes/schedule-validation';
import { listInput, paginate } from '#test/deployed/support/fakes/scheduler-paging';

/** A schedule as the fake holds it: the fields it was given, with the service's defaults filled in. */
export interface FakeSchedule {
  Arn: string;
  GroupName: string;
  Name: string;
  ScheduleExpression: string;
  ScheduleExpressionTimezone: string;
  FlexibleTimeWindow: FlexibleTimeWindow;
  Target: Target;
  ActionAfterCompletion: string;
  State: string;
  Description?: string;
  StartDate?: Date;
  EndDate?: Date;
  KmsKeyArn?: string;
  CreationDate: Date;
  LastModificationDate: Date;
}

/** The running fake: its endpoint, what it was asked, its schedules, and the harness's firing controls. */
export interface FakeScheduler extends AwsFakeServer {
  /** Every call received, in arrival order, with the input as the SDK sent it. */
  calls: RecordedCall[];
  /** Copies of all current schedules, by group then name. */
  schedules(): FakeSchedule[];
  /** The names of the schedule groups that exist. */
  groups(): string[];
  /** Enabled one-time schedules whose `at(...)` time has come by `now` and that have not completed. */
  due(now: Date): FakeSchedule[];
  /**
   * Records that the schedule's target was invoked successfully: one with ActionAfterCompletion
   * DELETE is deleted, as the service does; one with NONE stays but is no longer due.
   * Throws if there is no such schedule.
   */
  complete(groupName: string, name: string): void;
}

const DEFAULT_GROUP = 'default';
/** What the service fills in when a schedule's target has no retry policy. */
const DEFAULT_RETRY_POLICY = { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 };

/**
 * Starts the fake on 127.0.0.1. `groups` are the schedule groups that exist (e.g. the template's);
 * `default` always does, as in every account.
 */
export async function startFakeScheduler(options: {
  region: string;
  accountId: string;
  groups?: string[];
}): Promise<FakeScheduler> {
  const arnPrefix = `arn:aws:scheduler:${options.region}:${options.accountId}`;
  const groups = new Map<string, { CreationDate: Date; LastModificationDate: Date }>();
  for (const name of [DEFAULT_GROUP, ...(options.groups ?? [])]) groups.set(name, stamp(new Date()));
  /** Keyed by `group/name`. */
  const schedules = new Map<string, FakeSchedule>();
  const completed = new Set<string>();
  const calls: RecordedCall[] = [];

  const keyOf = (group: string, name: string) => `${group}/${name}`;
  const groupArn = (name: string) => `${arnPrefix}:schedule-group/${name}`;

  function existingGroup(name: string | undefined): string {
    const group = name ?? DEFAULT_GROUP;
    if (!groups.has(group)) {
      throw new AwsServiceError('ResourceNotFoundException', `Schedule group ${group} does not exist.`, 404);
    }
    return group;
  }

  function existingSchedule(name: string, groupName: string | undefined): FakeSchedule {
    const schedule = schedules.get(keyOf(existingGroup(groupName), name));
    if (!schedule) throw new AwsServiceError('ResourceNotFoundException', `Schedule ${name} does not exist.`, 404);
    return schedule;
  }

  function put(input: JsonObject, creating: boolean): { ScheduleArn: string } {
    validateSchedule(input);
    const name = input.Name as string;
    const group = existingGroup(input.GroupName as string | undefined);
    const key = keyOf(group, name);
    const previous = schedules.get(key);
    if (creating && previous) throw new AwsServiceError('ConflictException', `Schedule ${name} already exists.`, 409);
    if (!creating && !previous) {
      throw new AwsServiceError('ResourceNotFoundException', `Schedule ${name} does not exist.`, 404);
    }
    const now = new Date();
    const schedule = toSchedule(
      input,
      `${arnPrefix}:schedule/${group}/${name}`,
      group,
      previous?.CreationDate ?? now,
      now,
    );
    schedules.set(key, schedule);
    completed.delete(key);
    return { ScheduleArn: schedule.Arn };
  }

  const scheduleRoutes: Record<string, (name: string, request: FakeRequest) => [string, JsonObject, () => unknown]> = {
    POST: (name, { json }) => {
      const input = { Name: name, ...(json as JsonObject) };
      return ['CreateSchedule', input, () => put(input, true)];
    },
    PUT: (name, { json }) => {
      const input = { Name: name, ...(json as JsonObject) };
      return ['UpdateSchedule', input, () => put(input, false)];
    },
    GET: (name, { query }) => {
      const input = definedOnly({ Name: name, GroupName: query.get('groupName') ?? undefined });
      return ['GetSchedule', input, () => toScheduleOutput(existingSchedule(name, input.GroupName as string))];
    },
    DELETE: (name, { query }) => {
      const input = definedOnly({
        Name: name,
        GroupName: query.get('groupName') ?? undefined,
        ClientToken: query.get('clientToken') ?? undefined,
      });
      return [
        'DeleteSchedule',
        input,
        () => {
          const schedule = existingSchedule(name, input.GroupName as string);
          schedules.delete(keyOf(schedule.GroupName, name));
          return {};
        },
      ];
    },
  };

  const groupRoutes: Record<string, (name: string, request: FakeRequest) => [string, JsonObject, () => unknown]> = {
    POST: (name, { json }) => {
      const input = { Name: name, ...(json as JsonObject) };
      return [
        'CreateScheduleGroup',
        input,
        () => {
          validateName(name, 'name');
          if (groups.has(name)) {
            throw new AwsServiceError('ConflictException', `Schedule group ${name} already exists.`, 409);
          }
          groups.set(name, stamp(new Date()));
          return { ScheduleGroupArn: groupArn(name) };
        },
      ];
    },
    GET: (name) => ['GetScheduleGroup', { Name: name }, () => toGroupOutput(name, existingGroup(name))],
    DELETE: (name, { query }) => {
      const input = definedOnly({ Name: name, ClientToken: query.get('clientToken') ?? undefined });
      return [
        'DeleteScheduleGroup',
        input,
        () => {
          existingGroup(name);
          if (name === DEFAULT_GROUP) {
            throw new AwsServiceError('ValidationException', 'The default schedule group cannot be deleted.');
          }
          groups.delete(name);
          for (const [key, schedule] of schedules) if (schedule.GroupName === name) schedules.delete(key);
          return {};
        },
      ];
    },
  };

  function listSchedules(query: URLSearchParams): [string, JsonObject, () => unknown] {
    const input = listInput(query, { GroupName: 'ScheduleGroup', NamePrefix: 'NamePrefix', State: 'State' });
    return [
      'ListSchedules',
      input,
      () => {
        const matching = [...schedules.values()]
          .filter((s) => input.GroupName === undefined || s.GroupName === input.GroupName)
          .filter((s) => input.NamePrefix === undefined || s.Name.startsWith(input.NamePrefix as string))
          .filter((s) => input.State === undefined || s.State === input.State)
          .sort((a, b) => keyOf(a.GroupName, a.Name).localeCompare(keyOf(b.GroupName, b.Name)));
        const { page, NextToken } = paginate(matching, input);
        const Schedules = page.map((s) => ({
          Arn: s.Arn,
          Name: s.Name,
          GroupName: s.GroupName,
          State: s.State,
          CreationDate: toEpochSeconds(s.CreationDate),
          LastModificationDate: toEpochSeconds(s.LastModificationDate),
          Target: { Arn: s.Target.Arn },
        }));
        return definedOnly({ Schedules, NextToken });
      },
    ];
  }

  function listGroups(query: URLSearchParams): [string, JsonObject, () => unknown] {
    const input = listInput(query, { NamePrefix: 'NamePrefix' });
    return [
      'ListScheduleGroups',
      input,
      () => {
        const matching = [...groups.keys()]
          .filter((name) => input.NamePrefix === undefined || name.startsWith(input.NamePrefix as string))
          .sort();
        const { page, NextToken } = paginate(matching, input);
        return definedOnly({ ScheduleGroups: page.map((name) => toGroupOutput(name, name)), NextToken });
      },
    ];
  }

  function toGroupOutput(name: string, existing: string) {
    const dates = groups.get(existing);
    return {
      Arn: groupArn(name),
      Name: name,
      State: 'ACTIVE',
      CreationDate: dates ? toEpochSeconds(dates.CreationDate) : undefined,
      LastModificationDate: dates ? toEpochSeconds(dates.LastModificationDate) : undefined,
    };
  }

  function route(request: FakeRequest): [string, JsonObject, () => unknown] {
    const [, collection, encodedName, ...rest] = request.path.split('/');
    const name = encodedName === undefined ? undefined : decodeURIComponent(encodedName);
    if (rest.length === 0 && name === undefined && request.method === 'GET') {
      if (collection === 'schedules') return listSchedules(request.query);
      if (collection === 'schedule-groups') return listGroups(request.query);
    }
    const routes = collection === 'schedules' ? scheduleRoutes : collection === 'schedule-groups' ? groupRoutes : {};
    const handler = Object.hasOwn(routes, request.method) ? routes[request.method] : undefined;
    if (rest.length > 0 || !name || !handler) {
      throw new AwsServiceError('UnknownOperationException', `No operation for ${request.method} ${request.path}`, 404);
    }
    if (request.json !== undefined && !isJsonObject(request.json)) {
      throw new AwsServiceError('SerializationException', 'Start of structure expected');
    }
    return handler(name, request);
  }

  const server = await startAwsFakeServer({
    protocol: 'restJson1',
    handle: (request) => {
      const [operation, input, run] = route(request);
      return recordCall(calls, operation, input, run);
    },
  });

  return {
    ...server,
    calls,
    schedules: () => [...schedules.values()].map((s) => structuredClone(s)),
    groups: () => [...groups.keys()],
    due: (now) =>
      [...schedules.entries()]
        .filter(([key, s]) => s.State === 'ENABLED' && !completed.has(key))
        .filter(([, s]) => {
          const at = atExpressionTime(s.ScheduleExpression, s.ScheduleExpressionTimezone);
          return at !== undefined && at.getTime() <= now.getTime();
        })
        .map(([, s]) => structuredClone(s)),
    complete: (groupName, name) => {
      const key = keyOf(groupName, name);
      const schedule = schedules.get(key);
      if (!schedule) throw new Error(`fake scheduler: no schedule ${key} to complete`);
      if (schedule.ActionAfterCompletion === 'DELETE') schedules.delete(key);
      else completed.add(key);
    },
  };
}

function toSchedule(input: JsonObject, arn: string, group: string, created: Date, modified: Date): FakeSchedule {
  const target = structuredClone(input.Target) as Target;
  return definedOnly({
    Arn: arn,
    GroupName: group,
    Name: input.Name as string,
    ScheduleExpression: input.ScheduleExpression as string,
    ScheduleExpressionTimezone: (input.ScheduleExpressionTimezone as string | undefined) ?? 'UTC',
    FlexibleTimeWindow: structuredClone(input.FlexibleTimeWindow) as FlexibleTimeWindow,
    Target: { ...target, RetryPolicy: target.RetryPolicy ?? DEFAULT_RETRY_POLICY },
    ActionAfterCompletion: (input.ActionAfterCompletion as string | undefined) ?? 'NONE',
    State: (input.State as string | undefined) ?? 'ENABLED',
    Description: input.Description as string | undefined,
    StartDate: typeof input.StartDate === 'number' ? new Date(input.StartDate * 1000) : undefined,
    EndDate: typeof input.EndDate === 'number' ? new Date(input.EndDate * 1000) : undefined,
    KmsKeyArn: input.KmsKeyArn as string | undefined,
    CreationDate: created,
    LastModificationDate: modified,
  }) as FakeSchedule;
}

/** GetSchedule's output: the schedule with its dates as epoch seconds, as restJson1 sends timestamps. */
function toScheduleOutput(schedule: FakeSchedule): JsonObject {
  return definedOnly({
    ...schedule,
    StartDate: schedule.StartDate && toEpochSeconds(schedule.StartDate),
    EndDate: schedule.EndDate && toEpochSeconds(schedule.EndDate),
    CreationDate: toEpochSeconds(schedule.CreationDate),
    LastModificationDate: toEpochSeconds(schedule.LastModificationDate),
  });
}

function stamp(now: Date) {
  return { CreationDate: now, LastModificationDate: now };
}

/** `object` without its undefined members, so the wire and `toEqual` see only the members that are set. */
function definedOnly<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}
