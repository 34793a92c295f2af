/**
 * Correction reach on the held-out half of the labelled set in test/fixtures/corrections-set: how
 * many rewordings of a corrected question the offline model answers with the correction, and how
 * many near-misses ("ship to Mexico?" for a correction about Canada) it wrongly answers with it.
 * The thresholds were tuned on the other half only; bench/correction-reach.ts prints both halves.
 */
import { halfOf, loadCorrectionsSet, measureReach, REWORDING_KINDS } from '#test/support/corrections-set';

/**
 * The aim, offline, is reach at least 0.9 with no near-miss matched. Measured when the
 * thresholds were first tuned: 0.83 (85 of 102) with 1 of 48 near-misses matched. A second round
 * of tuning (a broader support synonym table, phrase paraphrases, opposite requests, answer-only
 * words counted as far as the subject is held) raised the tuning half from 0.86 to 0.97 with no
 * near-miss, but measured once on this half it gave 0.82 (84 of 102) with 1 near-miss: it did not
 * generalise, and the aim is NOT met lexically. The floor holds what was measured; raise FLOOR to
 * AIM once it is met; never tune on this half.
 */
const AIM = { reach: 0.9, nearMissesMatched: 0 };
const FLOOR = { reach: 0.82, nearMissesMatched: 1 };

describe('correction reach on the labelled set', () => {
  const set = loadCorrectionsSet();

  it('has enough corrections, rewordings of every kind and near-misses to mean something', () => {
    const heldOut = set.corrections.filter((_, i) => halfOf(i) === 'held-out');

    expect(set.corrections.length).toBeGreaterThanOrEqual(25);
    expect(new Set(set.corrections.map((c) => c.id)).size).toBe(set.corrections.length);
    for (const c of set.corrections) {
      expect([c.id, REWORDING_KINDS.filter((kind) => (c.rewordings[kind] ?? []).length === 0)]).toEqual([c.id, []]);
      expect([c.id, c.near_misses.length >= 2]).toEqual([c.id, true]);
    }
    expect(heldOut.length).toBeGreaterThanOrEqual(12);
  });

  it('answers held-out rewordings with their correction, and near-misses without it, offline', () => {
    const reach = measureReach(set, 'held-out', { mode: 'offline' });

    expect(reach.rewordings).toBeGreaterThanOrEqual(75);
    expect(reach.nearMisses).toBeGreaterThanOrEqual(36);
    expect(reach.nearMissesMatched).toBeLessThanOrEqual(FLOOR.nearMissesMatched);
    expect(reach.reach).toBeGreaterThanOrEqual(FLOOR.reach);
    expect(FLOOR.reach).toBeLessThanOrEqual(AIM.reach);
  });

  it('hands the model the correction for nearly every held-out rewording', () => {
    const reach = measureReach(set, 'held-out', { mode: 'candidates' });

    expect(reach.reach).toBeGreaterThanOrEqual(0.9);
  });
});
