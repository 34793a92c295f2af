/**
 * A floor under lexical retrieval quality, on the labelled Brightdesk set: questions worded as
 * prospects write them, each naming the one document that answers it. Measured when written:
 * recall@1 0.78, recall@3 0.90, recall@5 0.94 (80 questions). The floors sit a little below, so
 * a change that makes retrieval worse fails here rather than in a customer's conversation.
 */
import { countWords } from '#lib/domain/knowledge/chunking';
import { SearchIndex } from '#lib/domain/knowledge/search-index';
import { chunkSetsOf, loadKnowledgeSet, measureRecall } from '#test/support/knowledge-set';

const FLOOR = { recallAt1: 0.72, recallAt3: 0.85, recallAt5: 0.9 };

describe('retrieval quality on the labelled set', () => {
  const set = loadKnowledgeSet();

  it('has enough realistic documents and questions to mean something', () => {
    const ids = new Set(set.documents.map((d) => d.id));
    const words = set.documents.map((d) => d.parsed.blocks.reduce((sum, b) => sum + countWords(b.text), 0));

    expect(set.documents.length).toBeGreaterThanOrEqual(40);
    expect(set.questions.length).toBeGreaterThanOrEqual(40);
    expect(set.questions.filter((q) => !ids.has(q.document))).toEqual([]);
    expect(Math.min(...words)).toBeGreaterThanOrEqual(150);
    expect(Math.max(...words)).toBeLessThanOrEqual(600);
  });

  it('finds the right document lexically for most questions', () => {
    const index = SearchIndex.fromChunkSets('brightdesk', chunkSetsOf(set));

    const recall = measureRecall(set.questions, (q, topK) => index.search(q.question, { topK }), [1, 3, 5]);

    expect(recall.recallAt[1]).toBeGreaterThanOrEqual(FLOOR.recallAt1);
    expect(recall.recallAt[3]).toBeGreaterThanOrEqual(FLOOR.recallAt3);
    expect(recall.recallAt[5]).toBeGreaterThanOrEqual(FLOOR.recallAt5);
  });
});
