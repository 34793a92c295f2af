import { createChunkSet } from '#lib/domain/knowledge/chunk-set';
import { fuseRankings } from '#lib/domain/knowledge/fusion';
import { mergePassages, SearchIndex } from '#lib/domain/knowledge/search-index';
import { selectTopK } from '#lib/domain/knowledge/top-k';
import type { ChunkSet, Passage } from '#lib/domain/knowledge/types';
import { decodeVector, encodeVector } from '#lib/domain/knowledge/vectors';

/** A document of one passage per text, stored as ingestion stores it; vectors as given. */
function givenSet(
  documentId: string,
  texts: string[],
  embedding?: { model: string; vectors: number[][] },
  headingPath: string[] = [],
): ChunkSet {
  const title = `About ${documentId}`;
  return createChunkSet({
    documentId,
    uploadId: `${documentId}-u1`,
    title,
    chunks: texts.map((text, position) => ({ documentId, title, headingPath, position, text })),
    ...(embedding
      ? {
          embedding: {
            model: embedding.model,
            dimensions: embedding.vectors[0]?.length ?? 0,
            vectors: embedding.vectors.map(encodeVector),
          },
        }
      : {}),
  });
}

const ids = (passages: Passage[]) => passages.map((p) => `${p.documentId}:${p.text.slice(0, 12)}`);

describe('SearchIndex', () => {
  const sets = [
    givenSet('refunds', [
      'Refunds are paid within 30 days of the first annual payment.',
      'Monthly plans are not refunded.',
    ]),
    givenSet('billing', ['Invoices list every charge, refund and credit on your account.']),
    givenSet('chat', ['Install the chat widget on your website with one snippet.']),
  ];

  it('ranks the passages that share the most telling terms first, with BM25 scores', () => {
    const index = SearchIndex.fromChunkSets('kb-1', sets);

    const results = index.search('How are refunds paid?', { topK: 5 });

    expect(results[0]).toEqual({
      knowledgeBaseId: 'kb-1',
      documentId: 'refunds',
      title: 'About refunds',
      headingPath: [],
      text: 'Refunds are paid within 30 days of the first annual payment.',
      score: expect.any(Number),
    });
    expect(ids(results)).not.toContain('chat:Install the ');
    const scores = results.map((p) => p.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(scores.every((score) => score > 0)).toBe(true);
  });

  it('matches other forms of the words asked about', () => {
    const index = SearchIndex.fromChunkSets('kb-1', sets);

    expect(index.search('installing widgets', { topK: 1 })[0]?.documentId).toBe('chat');
  });

  it('counts the title and headings, not only the text', () => {
    const index = SearchIndex.fromChunkSets('kb-1', [
      givenSet('security', ['We hold a SOC 2 report.'], undefined, ['Encryption']),
      givenSet('faq', ['Passwords can be reset by an admin.']),
    ]);

    expect(index.search('encryption', { topK: 1 })[0]?.documentId).toBe('security');
    expect(index.search('faq', { topK: 1 })[0]?.documentId).toBe('faq');
  });

  it('returns at most topK passages', () => {
    const index = SearchIndex.fromChunkSets('kb-1', sets);

    expect(index.search('refund', { topK: 1 })).toHaveLength(1);
    expect(index.search('refund', { topK: 0 })).toEqual([]);
  });

  it('returns nothing for a query that shares no term with any passage', () => {
    const index = SearchIndex.fromChunkSets('kb-1', sets);

    expect(index.search('kangaroo', { topK: 5 })).toEqual([]);
  });

  it('is empty, and finds nothing, without chunk sets', () => {
    const index = SearchIndex.fromChunkSets('kb-1', []);

    expect(index.size).toBe(0);
    expect(index.search('refund', { topK: 5, queryVector: new Float32Array([1, 0]) })).toEqual([]);
  });

  it('counts its passages', () => {
    expect(SearchIndex.fromChunkSets('kb-1', sets).size).toBe(4);
  });

  it('searches sets stored without terms, or with stale ones, exactly as fresh ones', () => {
    const bare = sets.map(({ terms: _, ...rest }) => rest);
    const stale = sets.map((set) => ({ ...set, terms: { ...set.terms!, analyzer: 'en-porter-0' } }));
    const expected = SearchIndex.fromChunkSets('kb-1', sets).search('refund paid', { topK: 5 });

    expect(SearchIndex.fromChunkSets('kb-1', bare).search('refund paid', { topK: 5 })).toEqual(expected);
    expect(SearchIndex.fromChunkSets('kb-1', stale).search('refund paid', { topK: 5 })).toEqual(expected);
  });

  it('re-analyses a set whose stored terms are corrupt', () => {
    const corrupt = sets.map((set) => ({ ...set, terms: { ...set.terms!, postings: '!!not base64!!' } }));
    const expected = SearchIndex.fromChunkSets('kb-1', sets).search('refund', { topK: 5 });

    expect(SearchIndex.fromChunkSets('kb-1', corrupt).search('refund', { topK: 5 })).toEqual(expected);
  });

  describe('hybrid', () => {
    const model = 'embed-v1';
    const vectorSets = [
      givenSet('refunds', ['Refunds are paid within 30 days.'], { model, vectors: [[1, 0, 0]] }),
      givenSet('money-back', ['Not happy? We give your money back.'], { model, vectors: [[0, 1, 0]] }),
      givenSet('chat', ['Install the chat widget.'], { model, vectors: [[0, 0, 1]] }),
    ];
    const nearMoneyBack = new Float32Array([0.1, 0.9, 0]);

    it('fuses lexical and vector ranks, so a passage found only by meaning comes back', () => {
      const index = SearchIndex.fromChunkSets('kb-1', vectorSets, { embeddingModel: model });

      const results = index.search('refunds', { topK: 3, queryVector: nearMoneyBack });

      expect(
        results
          .map((p) => p.documentId)
          .slice(0, 2)
          .sort(),
      ).toEqual(['money-back', 'refunds']);
      // Reciprocal rank fusion: at most 1/61 from each of the two lists.
      expect(results[0]?.score).toBeLessThanOrEqual(2 / 61);
    });

    it('ranks first the passage both lists put first', () => {
      const index = SearchIndex.fromChunkSets('kb-1', vectorSets, { embeddingModel: model });

      const [best] = index.search('money back', { topK: 3, queryVector: nearMoneyBack });

      expect(best?.documentId).toBe('money-back');
      expect(best?.score).toBeCloseTo(2 / 61);
    });

    it('ignores vectors made with another model', () => {
      const index = SearchIndex.fromChunkSets('kb-1', vectorSets, { embeddingModel: 'embed-v2' });

      expect(index.hasVectors).toBe(false);
      expect(index.search('refunds', { topK: 3, queryVector: nearMoneyBack }).map((p) => p.documentId)).toEqual([
        'refunds',
      ]);
    });

    it('ignores a query vector of other dimensions', () => {
      const index = SearchIndex.fromChunkSets('kb-1', vectorSets, { embeddingModel: model });

      const results = index.search('refunds', { topK: 3, queryVector: new Float32Array([0, 1]) });

      expect(results.map((p) => p.documentId)).toEqual(['refunds']);
    });

    it('searches lexically when asked to, whatever the query vector', () => {
      const index = SearchIndex.fromChunkSets('kb-1', vectorSets, { embeddingModel: model });

      const results = index.search('refunds', { topK: 3, queryVector: nearMoneyBack, mode: 'lexical' });

      expect(results.map((p) => p.documentId)).toEqual(['refunds']);
    });

    it('uses vectors only from the sets of the first dimensions met', () => {
      const odd = givenSet('odd', ['Money back guarantee.'], { model, vectors: [[0, 1]] });
      const index = SearchIndex.fromChunkSets('kb-1', [...vectorSets, odd], { embeddingModel: model });

      const results = index.search('kangaroo', { topK: 5, queryVector: nearMoneyBack });

      expect(results.map((p) => p.documentId)).toEqual(['money-back', 'refunds', 'chat']);
    });
  });
});

describe('mergePassages', () => {
  const passage = (knowledgeBaseId: string, documentId: string, score: number): Passage => ({
    knowledgeBaseId,
    documentId,
    title: documentId,
    headingPath: [],
    text: `${documentId} text`,
    score,
  });

  it('interleaves bases by rank, whatever their scores, with fused scores', () => {
    const a = [passage('a', 'a1', 40), passage('a', 'a2', 30)];
    const b = [passage('b', 'b1', 2), passage('b', 'b2', 1)];

    const merged = mergePassages([a, b], 3);

    expect(merged.map((p) => p.documentId)).toEqual(['a1', 'b1', 'a2']);
    expect(merged[0]?.score).toBeCloseTo(1 / 61);
  });

  it('returns a single list as it is, cut to topK', () => {
    const a = [passage('a', 'a1', 40), passage('a', 'a2', 30)];

    expect(mergePassages([a, []], 1)).toEqual([a[0]]);
    expect(mergePassages([], 5)).toEqual([]);
  });
});

describe('fuseRankings', () => {
  it('adds 1 / (k + rank) over the lists and sorts best first', () => {
    expect(
      fuseRankings(
        [
          ['x', 'y'],
          ['y', 'z'],
        ],
        1,
      ),
    ).toEqual([
      { key: 'y', score: 1 / 3 + 1 / 2 },
      { key: 'x', score: 1 / 2 },
      { key: 'z', score: 1 / 3 },
    ]);
  });
});

describe('selectTopK', () => {
  it('picks the highest scores best first, ties to the lower index', () => {
    expect(selectTopK([0.5, 0.9, 0.5, 0.1, 0.9], 3)).toEqual([1, 4, 0]);
  });

  it('considers only the candidates given', () => {
    expect(selectTopK([9, 1, 5, 7], 2, Int32Array.from([1, 2, 3]), 2)).toEqual([2, 1]);
  });
});

describe('encodeVector', () => {
  it('round-trips float32 values through base64', () => {
    const vector = Float32Array.from([0.25, -1.5, 2.7182817, 0, 1e-7]);

    expect(decodeVector(encodeVector(vector))).toEqual(vector);
  });

  it('stores little-endian float32, as other tools read it', () => {
    expect(encodeVector([1])).toBe('AACAPw==');
  });

  it('refuses text that is not a vector', () => {
    expect(() => decodeVector('AACA')).toThrow(/multiple of 4/);
    expect(() => decodeVector('AA*APw==')).toThrow(/invalid base64/);
  });
});
