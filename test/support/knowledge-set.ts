/**
 * The labelled retrieval set in test/fixtures/knowledge-set: Brightdesk's help pages as parsed
 * documents, and questions each naming the document that answers it. The Markdown is read with
 * marked's lexer into the blocks the chunker takes; deliberately simple, since the production
 * parser lives in lib/adapters/documents and is tested there.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMarkdown } from '#lib/adapters/documents/markdown';
import { embeddingText } from '#lib/app/knowledge/ingest-document';
import { chunkDocument } from '#lib/domain/knowledge/chunking';
import { createChunkSet } from '#lib/domain/knowledge/chunk-set';
import type { ChunkSet, ParsedDocument, Passage } from '#lib/domain/knowledge/types';
import { encodeVector } from '#lib/domain/knowledge/vectors';

export const KNOWLEDGE_SET_DIR = fileURLToPath(new URL('../fixtures/knowledge-set/', import.meta.url));

export interface LabelledDocument {
  /** The file name without `.md`; questions name their document by it. */
  id: string;
  title: string;
  parsed: ParsedDocument;
}

export interface LabelledQuestion {
  id: string;
  question: string;
  /** The id of the document that answers it. */
  document: string;
}

export interface KnowledgeSet {
  documents: LabelledDocument[];
  questions: LabelledQuestion[];
}

/** Reads every document and question of the set, documents in file-name order. */
export function loadKnowledgeSet(): KnowledgeSet {
  const dir = join(KNOWLEDGE_SET_DIR, 'documents');
  const documents = readdirSync(dir)
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => {
      // The production Markdown reader, so the recall figures measure what ingestion does.
      const parsed = readMarkdown(readFileSync(join(dir, name)));
      return { id: name.slice(0, -'.md'.length), title: parsed.title ?? name, parsed };
    });
  const questions = JSON.parse(readFileSync(join(KNOWLEDGE_SET_DIR, 'questions.json'), 'utf8')) as LabelledQuestion[];
  return { documents, questions };
}

/**
 * The set's documents chunked and packaged as ingestion stores them, with vectors when `embedder`
 * is given (for a hybrid search).
 */
export function chunkSetsOf(
  set: KnowledgeSet,
  embedder?: { model: string; dimensions: number; embed(text: string): Float32Array },
): ChunkSet[] {
  return set.documents.map((document) => {
    const chunks = chunkDocument(document.parsed, { documentId: document.id, title: document.title });
    const vectors = embedder ? chunks.map((chunk) => encodeVector(embedder.embed(embeddingText(chunk)))) : undefined;
    return createChunkSet({
      documentId: document.id,
      uploadId: `${document.id}-1`,
      title: document.title,
      chunks,
      ...(embedder && vectors
        ? { embedding: { model: embedder.model, dimensions: embedder.dimensions, vectors } }
        : {}),
    });
  });
}

/** What a passage is embedded as: where it sits and what it says (as ingestion does). */
export { embeddingText };

export interface Recall {
  /** Share of questions whose document is among the first k passages, by k. */
  recallAt: Record<number, number>;
  /** Mean reciprocal rank of the right document's first passage (0 when not found in the results). */
  mrr: number;
  /** Questions whose document was not in the first max(k) passages. */
  missed: Array<{ id: string; question: string; expected: string; got: string[] }>;
}

/** Scores a search over the labelled questions at each cut-off in `ks`. */
export function measureRecall(
  questions: readonly LabelledQuestion[],
  search: (question: LabelledQuestion, topK: number) => Passage[],
  ks: readonly number[],
): Recall {
  const depth = Math.max(...ks);
  const hits = Object.fromEntries(ks.map((k) => [k, 0])) as Record<number, number>;
  let reciprocalRanks = 0;
  const missed: Recall['missed'] = [];
  for (const question of questions) {
    const documents = search(question, depth).map((passage) => passage.documentId);
    const rank = documents.indexOf(question.document);
    if (rank >= 0) reciprocalRanks += 1 / (rank + 1);
    for (const k of ks) if (rank >= 0 && rank < k) hits[k] = (hits[k] ?? 0) + 1;
    if (rank < 0)
      missed.push({ id: question.id, question: question.question, expected: question.document, got: documents });
  }
  const n = questions.length || 1;
  return {
    recallAt: Object.fromEntries(ks.map((k) => [k, (hits[k] ?? 0) / n])),
    mrr: reciprocalRanks / n,
    missed,
  };
}
