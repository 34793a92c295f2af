import { stem, tokenize } from '#lib/domain/knowledge/tokenize';

describe('tokenize', () => {
  it('lowercases words and folds accents away', () => {
    expect(tokenize('Café RÉSUMÉ Zürich')).toEqual(['cafe', 'resum', 'zurich']);
  });

  it('drops stop words and single letters', () => {
    expect(tokenize('What is the price of a seat, and can I get a discount?')).toEqual(['price', 'seat', 'discount']);
  });

  it('brings inflections of a word to one term', () => {
    const terms = ['refund', 'refunds', 'refunded', 'refunding'].map((word) => tokenize(word));

    expect(terms).toEqual([['refund'], ['refund'], ['refund'], ['refund']]);
  });

  it('keeps numbers whole, decimals included and thousands separators dropped', () => {
    expect(tokenize('A 14-day trial, $49 a month, 2.5 GB, 1,000 agents, 99.9%')).toEqual([
      '14',
      'dai',
      'trial',
      '49',
      'month',
      '2.5',
      'gb',
      '1000',
      'agent',
      '99.9',
    ]);
  });

  it('ends a number at the sentence full stop', () => {
    expect(tokenize('It costs 15. Then 20.')).toEqual(['cost', '15', '20']);
  });

  it('treats a possessive like the word itself', () => {
    expect(tokenize("the customer's invoice")).toEqual(tokenize('the customer invoice'));
  });

  it('keeps words with digits as they are', () => {
    expect(tokenize('SOC2 and TLS1.2 and 24/7')).toEqual(['soc2', 'tls1', '2', '24', '7']);
  });

  it('splits words of other scripts on letters without stemming them', () => {
    expect(tokenize('Возврат денег, 返金')).toEqual(['возврат', 'денег', '返金']);
  });

  it('gives nothing for text without words', () => {
    expect(tokenize(' — !? … ')).toEqual([]);
  });
});

describe('stem', () => {
  it('follows the Porter algorithm on its classic examples', () => {
    const words = ['caresses', 'ponies', 'relational', 'hopping', 'generalization', 'conditional', 'happy'];

    expect(words.map(stem)).toEqual(['caress', 'poni', 'relat', 'hop', 'gener', 'condit', 'happi']);
  });

  it('meets pricing vocabulary in one stem', () => {
    expect(new Set(['price', 'prices', 'pricing'].map(stem))).toEqual(new Set(['price']));
    expect(new Set(['cancel', 'cancelled', 'cancellation'].map(stem))).toEqual(new Set(['cancel']));
    expect(new Set(['invoice', 'invoices', 'invoiced'].map(stem)).size).toBe(1);
  });

  it('leaves short words alone', () => {
    expect(['is', 'us', 'gb'].map(stem)).toEqual(['is', 'us', 'gb']);
  });
});
