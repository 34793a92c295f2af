/**
 * A correction covers its obvious rewordings and not its near-misses, on the local runtime as a
 * business uses it: a knowledge base holding only a returns policy, the question "Do you ship kits
 * to Canada?" asked in a conversation, a correction left on its answer through the feedback API.
 * Then "Do you ship to Canada?" gets the correction and "Do you ship to Mexico?" does not: on the
 * offline model (it answers with the correction, or not), and on OpenAI through the real `openai`
 * SDK against the fake server (the correction is in the prompt the model receives, or not, and it
 * was embedded when it was made).
 */
import { jest } from '@jest/globals';
import {
  type ChatCompletionRequestBody,
  type FakeOpenAi,
  parleyReplyContent,
  startFakeOpenAi,
} from '#test/support/fake-openai';
import { apiClient, type RuntimeProcess, startRuntimeProcess } from '#test/support/runtime-process';

// The runtime runs as a separate process; starting it and indexing a document takes seconds.
jest.setTimeout(120_000);

const CORRECTED = 'Do you ship kits to Canada?';
const CORRECTION = 'Yes, we ship kits to Canada within 10 business days.';
const REWORDED = 'Do you ship to Canada?';
const NEAR_MISS = 'Do you ship to Mexico?';

type Api = ReturnType<typeof apiClient>;

/** An AI answering from a base that holds only the returns policy, and the correction left on its answer to CORRECTED. */
async function givenCorrectedAi(api: Api, runtime: RuntimeProcess): Promise<string> {
  const base = await api('POST', '/v1/knowledge-bases', { name: 'Policies' });
  await api('POST', `/v1/knowledge-bases/${base.body.id}/documents`, {
    title: 'Returns policy',
    content: 'You can return any kit within 45 days for a full refund.',
  });
  for (let i = 0; ; i++) {
    const listed = await api('GET', `/v1/knowledge-bases/${base.body.id}/documents`);
    if (listed.body.data.every((d: { status: string }) => d.status === 'ready')) break;
    if (i === 300) throw new Error(`the returns policy was not indexed:\n${runtime.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const ai = await api('POST', '/v1/ais', {
    type: 'support',
    name: 'Kim',
    webhooks: { answer_url: 'http://127.0.0.1:9/answer' },
    knowledge_base_ids: [base.body.id],
  });
  const asked = await api('POST', '/v1/conversations', { ai_id: ai.body.id, question: CORRECTED });
  const path = `/v1/conversations/${asked.body.conversation_id}/messages/${asked.body.message_id}`;
  for (let i = 0; (await api('GET', path)).body.status !== 'answered'; i++) {
    if (i === 300) throw new Error(`the question was not answered:\n${runtime.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const feedback = await api('POST', `${path}/feedback`, { rating: 'down', correction: CORRECTION });
  expect(feedback.status).toBe(200);
  return ai.body.id;
}

describe('a correction reaches its rewordings and not its near-misses', () => {
  let runtime: RuntimeProcess | undefined;

  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
  });

  it('on the offline model: answers the rewording with the correction and the near-miss without it', async () => {
    runtime = await startRuntimeProcess();
    const api = apiClient(runtime);
    const aiId = await givenCorrectedAi(api, runtime);

    const reworded = await api('POST', `/v1/ais/${aiId}/test`, { message: REWORDED });
    const nearMiss = await api('POST', `/v1/ais/${aiId}/test`, { message: NEAR_MISS });

    expect(reworded.body.reply).toContain(CORRECTION);
    expect(reworded.body.citations).toEqual([
      { document_id: expect.stringMatching(/^cor_/), title: 'Confirmed answer', snippet: CORRECTION },
    ]);
    expect(nearMiss.body.reply).not.toContain('10 business days');
    expect(nearMiss.body.citations.map((c: { title: string }) => c.title)).not.toContain('Confirmed answer');
  });

  describe('on OpenAI, through the openai SDK', () => {
    let model: FakeOpenAi;

    beforeAll(async () => {
      model = await startFakeOpenAi({ respond: () => ({ content: parleyReplyContent() }) });
    });

    afterAll(async () => {
      await model?.stop();
    });

    /** The prompt of the one chat request about `question`: every message's text. */
    function promptFor(question: string): string {
      const about = (request: ChatCompletionRequestBody) => JSON.stringify(request.messages).includes(question);
      const requests = model.requests.filter(about);
      expect(requests).toHaveLength(1);
      return JSON.stringify(requests[0]?.messages);
    }

    /** The knowledge handed over in a prompt (the rules around it quote example questions of their own). */
    function knowledgeIn(prompt: string): string {
      return /<knowledge>(.*?)<\/knowledge>/s.exec(prompt)?.[1] ?? '';
    }

    it('gives the model the correction for the rewording, not for the near-miss, and embeds it when made', async () => {
      runtime = await startRuntimeProcess({ env: { OPENAI_BASE_URL: model.baseUrl, OPENAI_API_KEY: 'test' } });
      const api = apiClient(runtime);
      const aiId = await givenCorrectedAi(api, runtime);
      const embeddedInputs = () => model.embeddingRequests.flatMap((r) => [r.input].flat());
      const embeddedWhenMade = embeddedInputs().filter((input) => input === CORRECTED).length;

      const reworded = await api('POST', `/v1/ais/${aiId}/test`, { message: REWORDED });
      const nearMiss = await api('POST', `/v1/ais/${aiId}/test`, { message: NEAR_MISS });

      expect([reworded.status, nearMiss.status]).toEqual([200, 200]);
      expect(knowledgeIn(promptFor(REWORDED))).toContain(CORRECTION);
      expect(knowledgeIn(promptFor(NEAR_MISS))).not.toContain(CORRECTION);
      expect(knowledgeIn(promptFor(NEAR_MISS))).not.toContain(CORRECTED);
      expect(knowledgeIn(promptFor(NEAR_MISS))).toContain('You can return any kit within 45 days');
      // Embedded once, when the feedback made it (the question was embedded before, to search):
      // the stored vector is used after that, not made again.
      expect(embeddedWhenMade).toBe(2);
      expect(embeddedInputs().filter((input) => input === CORRECTED)).toHaveLength(2);
    });
  });
});
