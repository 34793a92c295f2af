/** The queue that asks the generator to answer a conversation. */

/** Asks the generator to answer a conversation's unanswered messages. */
export interface GenerationJob {
  tenantId: string;
  conversationId: string;
  /** The message that caused the job; used for FIFO deduplication. */
  messageId: string;
}

export interface GenerationQueue {
  /** FIFO: one group per conversation, deduplicated on the message id. */
  enqueueGeneration(job: GenerationJob): Promise<void>;
  /**
   * Keeps a received record hidden for `seconds` from now (ChangeMessageVisibility on its receipt
   * handle), so that, reported as a batch item failure, it comes back after a wait rather than at
   * once: how a generator waits out a busy model without sitting idle.
   */
  deferRecord(receiptHandle: string, seconds: number): Promise<void>;
}
