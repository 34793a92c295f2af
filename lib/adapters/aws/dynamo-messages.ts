/**
 * Messages in their conversation's partition, sorted by their time-ordered id. Unanswered inbound
 * messages also sit in the pending index until settled, so the recovery sweep can find them.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  attempt,
  getRecord,
  putIfAbsent,
  queryAll,
  queryUpTo,
  DynamoTableAdapter,
} from '#lib/adapters/aws/dynamo-context';
import { conversationPk, messageKey, PREFIX_MESSAGE, toRecord } from '#lib/adapters/aws/dynamo-keys';
import { pendingMessageAttributes } from '#lib/adapters/aws/dynamo-pending';
import { deleteItem } from '#lib/adapters/aws/dynamo-tenant-items';
import type { Message, MessageFeedback } from '#lib/domain/types';
import type { ConversationStore } from '#lib/ports/conversations';

type Outcome = Parameters<ConversationStore['settleMessage']>[3];

/** The methods DynamoConversationStore adds: those that read or write the conversation record. */
type ConversationRecordMethods =
  | 'getConversation'
  | 'ensureConversation'
  | 'updateConversation'
  | 'bumpConversation'
  | 'getTombstone'
  | 'tombstoneConversation'
  | 'finishTombstone'
  | 'listConversationsUpdatedBefore'
  | 'listInbox'
  | 'refreshInbox'
  | 'listConversationsOutsideInbox'
  | 'putMessage';

/**
 * The message half of the ConversationStore port: messages and their feedback live in their
 * conversation's partition. DynamoConversationStore extends it with the conversation records.
 */
export abstract class DynamoMessages
  extends DynamoTableAdapter
  implements Omit<ConversationStore, ConversationRecordMethods>
{
  /** Stores the message unless one with its id exists; returns false if it existed. */
  protected async putMessageItem(message: Message): Promise<boolean> {
    return putIfAbsent(this.ctx, {
      ...message,
      ...messageKey(message.tenantId, message.conversationId, message.id),
      ...pendingMessageAttributes(message),
    });
  }

  /** Deleting the item also drops it from the pending index. */
  async deleteMessage(tenantId: string, conversationId: string, messageId: string): Promise<void> {
    await deleteItem(this.ctx, messageKey(tenantId, conversationId, messageId));
  }

  async getMessage(tenantId: string, conversationId: string, messageId: string): Promise<Message | undefined> {
    return getRecord<Message>(this.ctx, messageKey(tenantId, conversationId, messageId));
  }

  /** All messages of the conversation, oldest first (sort key order = id order = arrival order). */
  async listMessages(tenantId: string, conversationId: string): Promise<Message[]> {
    const items = await queryAll(this.ctx, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': conversationPk(tenantId, conversationId), ':prefix': PREFIX_MESSAGE },
      ConsistentRead: true,
    });
    return items.map((item) => toRecord<Message>(item));
  }

  /** The newest `limit` messages, read newest first and returned oldest first. */
  async listRecentMessages(tenantId: string, conversationId: string, limit: number): Promise<Message[]> {
    const items = await queryUpTo(
      this.ctx,
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': conversationPk(tenantId, conversationId), ':prefix': PREFIX_MESSAGE },
        ConsistentRead: true,
        ScanIndexForward: false,
      },
      limit,
    );
    return items.map((item) => toRecord<Message>(item)).reverse();
  }

  /**
   * Claims an unanswered inbound message for `replyId`. The same reply may claim again (a retried
   * generator); a different reply is refused, which is what keeps two generators from both answering.
   */
  async claimMessage(tenantId: string, conversationId: string, messageId: string, replyId: string): Promise<boolean> {
    return attempt(() =>
      this.ctx.client.send(
        new UpdateCommand({
          TableName: this.ctx.tableName,
          Key: messageKey(tenantId, conversationId, messageId),
          UpdateExpression: 'SET #status = :answering, replyId = :reply',
          ConditionExpression:
            'attribute_exists(pk) AND #status IN (:queued, :answering) AND (attribute_not_exists(replyId) OR replyId = :reply)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':answering': 'answering', ':queued': 'queued', ':reply': replyId },
        }),
      ),
    );
  }

  /**
   * Records the outcome and drops the message from the pending index. A message already settled
   * (or missing) is left alone: settling is the last step of an at-least-once job and may repeat.
   */
  async settleMessage(tenantId: string, conversationId: string, messageId: string, outcome: Outcome): Promise<void> {
    const assignments = ['#status = :status', 'answeredAt = :at'];
    const values: Record<string, unknown> = {
      ':status': outcome.status,
      ':at': outcome.at,
      ':queued': 'queued',
      ':answering': 'answering',
    };
    let condition = '#status IN (:queued, :answering)';
    if (outcome.replyId !== undefined) {
      assignments.push('replyId = :reply');
      values[':reply'] = outcome.replyId;
      // Only the reply that claimed the message may settle it as answered by that reply.
      condition += ' AND (attribute_not_exists(replyId) OR replyId = :reply)';
    }
    if (outcome.answer !== undefined) {
      assignments.push('answer = :answer');
      values[':answer'] = outcome.answer;
    }
    await attempt(() =>
      this.ctx.client.send(
        new UpdateCommand({
          TableName: this.ctx.tableName,
          Key: messageKey(tenantId, conversationId, messageId),
          UpdateExpression: `SET ${assignments.join(', ')} REMOVE gsi1pk, gsi1sk`,
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  /**
   * Sets the message's feedback in one UpdateItem, replacing any earlier feedback as a whole (so a
   * later rating without a correction drops the earlier correction). False if the message is missing.
   */
  async recordFeedback(
    tenantId: string,
    conversationId: string,
    messageId: string,
    feedback: MessageFeedback,
  ): Promise<boolean> {
    return attempt(() =>
      this.ctx.client.send(
        new UpdateCommand({
          TableName: this.ctx.tableName,
          Key: messageKey(tenantId, conversationId, messageId),
          UpdateExpression: 'SET feedback = :feedback',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':feedback': feedback },
        }),
      ),
    );
  }
}
