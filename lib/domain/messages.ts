/** Facts about a message that several steps rely on alike. */
import type { Message } from '#lib/domain/types';

/** An inbound message still waiting for its answer (queued, or claimed and being answered). */
export function isUnanswered(message: Pick<Message, 'direction' | 'status'>): boolean {
  return message.direction === 'inbound' && (message.status === 'queued' || message.status === 'answering');
}
