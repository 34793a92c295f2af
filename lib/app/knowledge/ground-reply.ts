/**
 * What a reply is grounded in: the AI's corrections close to the question (the model decides
 * whether one answers it) and the passages of its knowledge bases (a sales AI's product's too),
 * numbered for the model to cite.
 */
import { candidateCorrections } from '#lib/domain/knowledge/corrections';
import { MAX_PROMPT_CORRECTIONS, MAX_PROMPT_PASSAGES } from '#lib/domain/limits/generation';
import { CITATION_SNIPPET_CHARS } from '#lib/domain/limits/knowledge';
import type { KnowledgeContext } from '#lib/domain/reply';
import type { Ai, Citation } from '#lib/domain/types';
import type { SalesSetup } from '#lib/app/setup';
import { correctionsToMatch } from '#lib/app/knowledge/corrections';
import { embedQuery, type SearchDeps, searchKnowledge } from '#lib/app/knowledge/search-knowledge';

export interface Grounding {
  context: KnowledgeContext;
  /** What each entry number cites. */
  sources: ReadonlyMap<number, Citation>;
}

/** The bases an AI answers from: its own, then (sales) its product's, each once. */
export function knowledgeBaseIdsOf(ai: Ai, setup: SalesSetup | undefined): string[] {
  const productBases = ai.type === 'sales' ? (setup?.product?.knowledgeBaseIds ?? []) : [];
  return [...new Set([...(ai.knowledgeBaseIds ?? []), ...productBases])];
}

export async function groundReply(
  deps: SearchDeps,
  input: { ai: Ai; setup: SalesSetup | undefined; question: string },
): Promise<Grounding> {
  const { ai, question } = input;
  // One embedding of the question serves the passages and the corrections, made only if either needs it.
  let embedding: Promise<Float32Array | undefined> | undefined;
  const questionVector = () => {
    embedding ??= question.trim() === '' ? Promise.resolve(undefined) : embedQuery(deps, question);
    return embedding;
  };
  const [passages, stored] = await Promise.all([
    searchKnowledge(deps, {
      tenantId: ai.tenantId,
      baseIds: knowledgeBaseIdsOf(ai, input.setup),
      query: question,
      topK: MAX_PROMPT_PASSAGES,
      queryVector: questionVector,
    }),
    correctionsToMatch(deps, ai, questionVector),
  ]);
  const vector = stored.length > 0 && deps.embedder ? await questionVector() : undefined;
  const corrections = candidateCorrections(
    question,
    stored,
    {
      knowledge: passages.map((p) => p.text),
      ...(vector && deps.embedder ? { vector: { model: deps.embedder.model, values: vector } } : {}),
    },
    MAX_PROMPT_CORRECTIONS,
  );
  const sources = new Map<number, Citation>();
  const context: KnowledgeContext = { corrections: [], passages: [] };
  let ref = 0;
  for (const { correction: c, closeness } of corrections) {
    ref++;
    context.corrections.push({ ref, question: c.question, answer: c.answer, closeness });
    sources.set(ref, { documentId: c.id, title: 'Confirmed answer', snippet: snippetOf(c.answer) });
  }
  for (const p of passages) {
    ref++;
    context.passages.push({ ref, title: p.title, headingPath: p.headingPath, text: p.text });
    sources.set(ref, { documentId: p.documentId, title: p.title, snippet: snippetOf(p.text) });
  }
  return { context, sources };
}

/** The citations for the entry numbers a model gave, in its order; unknown numbers are ignored. */
export function citationsOf(grounding: Grounding, refs: readonly number[]): Citation[] {
  const seen = new Set<number>();
  return refs.flatMap((ref) => {
    const source = grounding.sources.get(ref);
    if (!source || seen.has(ref)) return [];
    seen.add(ref);
    return [source];
  });
}

/** The start of a passage, cut at a word boundary. */
export function snippetOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= CITATION_SNIPPET_CHARS) return flat;
  const cut = flat.slice(0, CITATION_SNIPPET_CHARS - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > CITATION_SNIPPET_CHARS / 2 ? cut.slice(0, space) : cut}…`;
}

/** No knowledge: for AIs without bases or corrections. */
export const NO_GROUNDING: Grounding = { context: { corrections: [], passages: [] }, sources: new Map() };
