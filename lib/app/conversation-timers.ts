/**
 * A conversation's timers: the follow-up a prospect asked for and the drop-off nudge. Each kind
 * has one timer per conversation (named after it, so arming again replaces it), carries the
 * conversation's version (a timer older than the conversation does nothing when it fires), and is
 * listed in the conversation's `scheduled`.
 */
import { resolveFollowUpSettings, timerName } from '#lib/domain/follow-up-policy';
import type { Ai, Conversation, FollowUpSettings, ScheduledTimer, TimerKind } from '#lib/domain/types';
import type { Deps } from '#lib/app/deps';

type TimerDeps = Pick<Deps, 'conversations' | 'timers' | 'clock'>;

/** The AI's follow-up settings: its own, else its strategy's (read only then), else the defaults. */
export async function followUpSettingsOf(deps: Pick<Deps, 'setup'>, ai: Ai): Promise<FollowUpSettings> {
  const strategy =
    ai.followUp || !ai.strategyId ? undefined : await deps.setup.getSetupItem('strategy', ai.tenantId, ai.strategyId);
  return resolveFollowUpSettings(ai, strategy);
}

/** Sets the conversation's timer of `kind` to fire at `at`, replacing a pending one. */
export async function armTimer(
  deps: TimerDeps,
  conversation: Conversation,
  timer: { kind: TimerKind; at: Date },
): Promise<void> {
  const { tenantId, id: conversationId } = conversation;
  const name = timerName(timer.kind, tenantId, conversationId);
  const at = timer.at.toISOString();
  await deps.timers.schedule({
    name,
    at: timer.at,
    payload: { kind: timer.kind, tenantId, conversationId, version: conversation.version ?? 0, at },
  });
  const scheduled: ScheduledTimer[] = [
    ...(conversation.scheduled ?? []).filter((t) => t.kind !== timer.kind),
    { kind: timer.kind, at, name },
  ].sort((a, b) => a.at.localeCompare(b.at));
  await deps.conversations.updateConversation(tenantId, conversationId, { scheduled });
  conversation.scheduled = scheduled;
}

/** Cancels every timer the conversation lists (a timer that already fired is fine). */
export async function cancelTimers(deps: Pick<Deps, 'timers'>, conversation: Conversation): Promise<void> {
  for (const timer of conversation.scheduled ?? []) await deps.timers.cancel(timer.name);
}

/** Drops a fired timer from the conversation's list, unless it was re-armed for another time meanwhile. */
export async function forgetTimer(
  deps: Pick<Deps, 'conversations'>,
  conversation: Conversation,
  fired: { kind: TimerKind; at: string },
): Promise<void> {
  const scheduled = conversation.scheduled ?? [];
  const remaining = scheduled.filter((t) => !(t.kind === fired.kind && t.at === fired.at));
  if (remaining.length === scheduled.length) return;
  await deps.conversations.updateConversation(conversation.tenantId, conversation.id, { scheduled: remaining });
  conversation.scheduled = remaining;
}
