/**
 * What the logs say instead of a conversation id. Clients choose conversation ids, and they are
 * usually an e-mail address or a phone number, so a log line must not carry one.
 */
import { createHash } from 'node:crypto';

/** Hex characters kept: 64 bits, plenty to tell one tenant's conversations apart, short to read. */
export const CONVERSATION_REF_CHARS = 16;

/**
 * The first 16 hex characters of SHA-256 over `tenantId`, a newline and `conversationId`.
 *
 * Plain rather than keyed: an operator answering "why did the message from ada@example.com fail?"
 * computes the ref from the tenant id and the address with `sha256sum` and finds its log lines,
 * with no secret to fetch (and none to leak or rotate). The tenant id in the input keeps one
 * address's ref different in each tenant, so refs cannot be linked across accounts or looked up in
 * one precomputed table. Someone who can read the logs and guesses an address can confirm the
 * guess; such a person can already read the table, which holds the address itself.
 */
export function conversationRef(tenantId: string, conversationId: string): string {
  return createHash('sha256')
    .update(`${tenantId}\n${conversationId}`, 'utf8')
    .digest('hex')
    .slice(0, CONVERSATION_REF_CHARS);
}
