/**
 * The Maax-compatible API's own index: Maax clients poll a message by its id alone, without its
 * conversation, so the Maax edge records where each message it accepted lives.
 */

/** Where a message accepted through the Maax-compatible API lives, so it can be found by its id alone. */
export interface MaaxMessageRef {
  tenantId: string;
  messageId: string;
  conversationId: string;
  prospectId: string;
}

/** The index that finds a Maax-compatible message by its id alone (Maax clients poll without the conversation). */
export interface MaaxMessageStore {
  /** Records where the message lives, unless a record for its id exists (the first one stays). */
  putMaaxMessageRef(ref: MaaxMessageRef): Promise<void>;
  getMaaxMessageRef(tenantId: string, messageId: string): Promise<MaaxMessageRef | undefined>;
  /** Forgets where the message lived (its conversation was erased); fine if there is no record. */
  deleteMaaxMessageRef(tenantId: string, messageId: string): Promise<void>;
}
