import { describe, expect, it } from '@jest/globals';
import { KEY_RECHECK_MS, KeyedChatModel } from '#lib/adapters/openai/keyed-chat-model';
import { ModelUnavailableError } from '#lib/domain/reply';
import { ScriptedChatModel, HELLO_REQUEST } from '#test/support/fakes';

const request = HELLO_REQUEST;

/** A model over a secret the test writes, with a clock the test moves; `built` lists the keys models were made with. */
function keyedModel(initialKey?: string) {
  const state = { stored: initialKey, reads: 0, nowMs: 0 };
  const built: string[] = [];
  const models: ScriptedChatModel[] = [];
  const model = new KeyedChatModel({
    readKey: async () => {
      state.reads += 1;
      return state.stored;
    },
    build: (key) => {
      built.push(key);
      const scripted = new ScriptedChatModel();
      models.push(scripted);
      return scripted;
    },
    ...(initialKey ? { initialKey } : {}),
    missingKeyMessage: 'the OpenAI key is not set',
    now: () => state.nowMs,
  });
  return { model, state, built, models };
}

describe('KeyedChatModel', () => {
  it('answers with a model built on the key read at cold start', async () => {
    const { model, built, state } = keyedModel('sk-first');

    const reply = await model.generateReply(request);

    expect(reply.text).toBe('Answer to: Hello?');
    expect(built).toEqual(['sk-first']);
    expect(state.reads).toBe(0);
  });

  it('is unavailable while no key is stored, without reading the secret on every call', async () => {
    const { model, state } = keyedModel();

    await expect(model.generateReply(request)).rejects.toThrow(new ModelUnavailableError('the OpenAI key is not set'));
    await expect(model.generateReply(request)).rejects.toBeInstanceOf(ModelUnavailableError);
    expect(state.reads).toBe(0);
  });

  it('picks up a key put in after cold start once the recheck is due', async () => {
    const { model, state, built } = keyedModel();
    state.stored = 'sk-put-in-later';

    state.nowMs = KEY_RECHECK_MS - 1;
    await expect(model.generateReply(request)).rejects.toBeInstanceOf(ModelUnavailableError);
    state.nowMs = KEY_RECHECK_MS;
    const reply = await model.generateReply(request);

    expect(reply.text).toBe('Answer to: Hello?');
    expect(built).toEqual(['sk-put-in-later']);
    expect(state.reads).toBe(1);
  });

  it('reads the secret again after the provider refused the key, and uses the replacement', async () => {
    const { model, state, built, models } = keyedModel('sk-revoked');
    models[0]?.failNext(new ModelUnavailableError('refused (HTTP 401)'));
    await expect(model.generateReply(request)).rejects.toBeInstanceOf(ModelUnavailableError);
    state.stored = 'sk-replacement';

    state.nowMs = KEY_RECHECK_MS;
    const reply = await model.generateReply(request);

    expect(reply.text).toBe('Answer to: Hello?');
    expect(built).toEqual(['sk-revoked', 'sk-replacement']);
  });

  it('does not read the secret again after a fault that is not about the key', async () => {
    const { model, state, models } = keyedModel('sk-good');
    models[0]?.failNext(new Error('503 Service Unavailable'));
    await expect(model.generateReply(request)).rejects.toThrow('503');

    state.nowMs = KEY_RECHECK_MS;
    await model.generateReply(request);

    expect(state.reads).toBe(0);
  });
});
