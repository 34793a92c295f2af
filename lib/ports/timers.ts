/** Follow-up and drop-off timers: the scheduler that sets them and, locally, the store that keeps them. */
import type { TimerKind } from '#lib/domain/timer-kinds';

/** What a timer carries back to the function it wakes. */
export interface TimerPayload {
  kind: TimerKind;
  tenantId: string;
  conversationId: string;
  /** The conversation's version when the timer was set: a timer older than the conversation does nothing. */
  version: number;
  /** When it was due, ISO-8601 UTC: with the version, what makes the message it sends unique. */
  at: string;
  /**
   * Set on a timer armed again to wait out a busy model: when the model first failed it, ISO-8601
   * UTC. The wait budget counts from here.
   */
  modelFaultSince?: string;
}

/** A timer as the local scheduler keeps it in the store. */
export interface TimerRecord {
  name: string;
  /** When it fires, ISO-8601 UTC. */
  at: string;
  payload: TimerPayload;
}

/**
 * The local runtime's timers (EventBridge Scheduler keeps them in AWS). Records live in the
 * tenant's partition and are listed across tenants by due time.
 */
export interface TimerStore {
  /** Creates or replaces the timer `name`. */
  putTimer(timer: TimerRecord): Promise<void>;
  /** Fine if it does not exist. */
  deleteTimer(tenantId: string, name: string): Promise<void>;
  /** Pending timers due before `before` (ISO), soonest first, across all tenants. */
  listTimers(before: string, limit: number): Promise<TimerRecord[]>;
}

export interface TimerScheduler {
  /** Sets the one-time timer `name` to fire at `at`, replacing a pending timer of the same name. */
  schedule(timer: { name: string; at: Date; payload: TimerPayload }): Promise<void>;
  /** Cancels the timer `name`; a timer that has fired or never existed is fine. */
  cancel(name: string): Promise<void>;
}
