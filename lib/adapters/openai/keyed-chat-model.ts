/**
 * A chat model whose key lives in a store the operator writes (the deployed stack's Secrets
 * Manager secret). The key is read at cold start; while it is missing, or after the provider
 * refused it, it is read again at most once every `recheckMs`, so a key put in (or replaced)
 * takes effect without waiting for new Lambda instances. Until there is a key, every call fails
 * with ModelUnavailableError, which the generator escalates rather than answering from a template.
 */
import { ModelUnavailableError, type ReplyRequest } from '#lib/domain/reply';
import type { ChatModel, ChatModelReply, RubricRequest, RubricVerdict } from '#lib/ports/chat-model';

/** How often a missing or refused key is looked up again: often enough for an operator, rarely enough to cost nothing. */
export const KEY_RECHECK_MS = 60_000;

export interface KeyedChatModelOptions {
  /** The key as stored now; undefined when none is stored. */
  readKey: () => Promise<string | undefined>;
  /** The model that uses a key (an OpenAiChatModel). */
  build: (key: string) => ChatModel;
  /** The key read at cold start, if any. */
  initialKey?: string;
  /** Says where to put the key; the message of the error thrown while there is none. */
  missingKeyMessage: string;
  recheckMs?: number;
  /** Milliseconds since the epoch (a test clock). */
  now?: () => number;
}

export class KeyedChatModel implements ChatModel {
  private key: string | undefined;
  private model: ChatModel | undefined;
  /** When the key was last read; the cold-start read counts. */
  private readAt: number;
  /** The provider refused the current key: read it again when the recheck is due. */
  private refused = false;
  private readonly recheckMs: number;
  private readonly now: () => number;

  constructor(private readonly options: KeyedChatModelOptions) {
    this.recheckMs = options.recheckMs ?? KEY_RECHECK_MS;
    this.now = options.now ?? Date.now;
    this.readAt = this.now();
    if (options.initialKey) this.use(options.initialKey);
  }

  async generateReply(request: ReplyRequest): Promise<ChatModelReply> {
    return this.call((model) => model.generateReply(request));
  }

  /** The keyed model's judge; ModelUnavailableError, as for a reply, while there is no key. */
  async judgeRubric(request: RubricRequest): Promise<RubricVerdict> {
    return this.call((model) => {
      if (!model.judgeRubric) throw new Error('the keyed chat model cannot judge rubrics');
      return model.judgeRubric(request);
    });
  }

  private async call<T>(use: (model: ChatModel) => Promise<T>): Promise<T> {
    const model = await this.currentModel();
    try {
      return await use(model);
    } catch (error) {
      if (error instanceof ModelUnavailableError) this.refused = true;
      throw error;
    }
  }

  private async currentModel(): Promise<ChatModel> {
    if ((!this.model || this.refused) && this.now() - this.readAt >= this.recheckMs) {
      this.readAt = this.now();
      const key = await this.options.readKey();
      if (key && key !== this.key) this.use(key);
    }
    if (!this.model) throw new ModelUnavailableError(this.options.missingKeyMessage);
    return this.model;
  }

  private use(key: string): void {
    this.key = key;
    this.model = this.options.build(key);
    this.refused = false;
  }
}
