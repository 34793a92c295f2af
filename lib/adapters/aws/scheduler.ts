/**
 * One-time timers on EventBridge Scheduler: each timer is a schedule `at(T)` that invokes the timer
 * function with the payload once, then deletes itself.
 */
import { createHash } from 'node:crypto';
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import type { TimerPayload, TimerScheduler } from '#lib/ports/timers';

/** Retries of a failed invocation (throttling, the function erroring) before the event goes to the DLQ. */
export const TIMER_MAX_RETRY_ATTEMPTS = 10;
/** A follow-up that could not be delivered within an hour goes to the DLQ rather than arrive much later. */
export const TIMER_MAX_EVENT_AGE_SECONDS = 3600;

/** What Scheduler accepts as a schedule name. */
const SCHEDULE_NAME_PATTERN = /^[0-9a-zA-Z\-_.]{1,64}$/;
const NAME_HASH_LENGTH = 40;

/**
 * Returns `name` if Scheduler accepts it, else a stable name that it does: a readable prefix of the
 * name (other characters replaced by `_`) and a hash of the whole name, 64 characters at most.
 */
export function toScheduleName(name: string): string {
  if (SCHEDULE_NAME_PATTERN.test(name)) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, NAME_HASH_LENGTH);
  const readable = name.replace(/[^0-9a-zA-Z\-_.]/g, '_').slice(0, 64 - NAME_HASH_LENGTH - 1);
  return readable ? `${readable}-${hash}` : hash;
}

/** `at(2026-11-27T10:00:05)` in UTC, rounded up to the second so a timer never fires early. */
export function toAtExpression(at: Date): string {
  const seconds = Math.ceil(at.getTime() / 1000);
  return `at(${new Date(seconds * 1000).toISOString().slice(0, 19)})`;
}

const isAwsError = (error: unknown, name: string) => error instanceof Error && error.name === name;

export class EventBridgeTimerScheduler implements TimerScheduler {
  private readonly groupName: string;
  private readonly roleArn: string;
  private readonly targetArn: string;
  private readonly dlqArn: string;
  private readonly client: SchedulerClient;

  constructor(options: {
    groupName: string;
    roleArn: string;
    targetArn: string;
    dlqArn: string;
    client?: SchedulerClient;
  }) {
    this.groupName = options.groupName;
    this.roleArn = options.roleArn;
    this.targetArn = options.targetArn;
    this.dlqArn = options.dlqArn;
    this.client = options.client ?? new SchedulerClient({});
  }

  /**
   * Creates the schedule, or replaces it if one of that name is still pending. Scheduler fires
   * within a minute of `at`; the payload's version lets the woken function ignore a stale timer.
   */
  async schedule(timer: { name: string; at: Date; payload: TimerPayload }): Promise<void> {
    const input: CreateScheduleCommandInput = {
      Name: toScheduleName(timer.name),
      GroupName: this.groupName,
      ScheduleExpression: toAtExpression(timer.at),
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: this.targetArn,
        RoleArn: this.roleArn,
        Input: JSON.stringify(timer.payload),
        DeadLetterConfig: { Arn: this.dlqArn },
        RetryPolicy: {
          MaximumRetryAttempts: TIMER_MAX_RETRY_ATTEMPTS,
          MaximumEventAgeInSeconds: TIMER_MAX_EVENT_AGE_SECONDS,
        },
      },
    };
    try {
      await this.client.send(new CreateScheduleCommand(input));
      return;
    } catch (error) {
      if (!isAwsError(error, 'ConflictException')) throw error;
    }
    try {
      await this.client.send(new UpdateScheduleCommand(input));
    } catch (error) {
      // It fired (and deleted itself) between the two calls: this timer is a new one.
      if (!isAwsError(error, 'ResourceNotFoundException')) throw error;
      await this.client.send(new CreateScheduleCommand(input));
    }
  }

  /** Deletes the schedule; one that already fired (and deleted itself) or never existed is fine. */
  async cancel(name: string): Promise<void> {
    try {
      await this.client.send(new DeleteScheduleCommand({ Name: toScheduleName(name), GroupName: this.groupName }));
    } catch (error) {
      if (!isAwsError(error, 'ResourceNotFoundException')) throw error;
    }
  }
}
