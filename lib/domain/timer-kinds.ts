/**
 * The timers a conversation can have armed: `follow_up` at the time the prospect asked for, and
 * `dropoff` when the prospect has gone quiet. One of each at most per conversation.
 */
export const TIMER_KINDS = ['follow_up', 'dropoff'] as const;

export type TimerKind = (typeof TIMER_KINDS)[number];
