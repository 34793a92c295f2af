/**
 * Floors under the offline model's answer or abstain, on the held-out half of each labelled set
 * only (the relevance gate's thresholds were tuned on the other half): answer precision and
 * abstain recall held per set (help centre, sales scenarios) and pooled over both, and reach, so a
 * gate that abstains on everything fails. Measured when written (held out): help centre precision
 * 0.94 (16 of 17), abstain recall 0.96, reach 0.43; sales 1.00, 1.00, 0.92; pooled 0.96, 0.96,
 * 0.54. The help centre alone misses the precision aim (0.95): its floor is the measured figure,
 * not the aim (BENCHMARKS.md, "Answer quality"). `npm run bench -- answer-quality` prints both halves.
 */
import {
  halfOf,
  loadSalesScenarios,
  loadUnanswerable,
  measureKnowledgeAnswers,
  measureSalesScenarios,
  pooled,
} from '#test/support/answer-quality';
import { loadKnowledgeSet } from '#test/support/knowledge-set';

const AIM = { precision: 0.95, abstainRecall: 0.9 };
/**
 * The help centre's held-out precision as measured (16 answered right of 17), below the aim: a
 * lexical gate cannot tell a page using the question's words for something else. Held here so it
 * cannot fall further; raise it to AIM.precision when the gate gets there.
 */
const HELP_CENTRE_PRECISION_FLOOR = 16 / 17;
/** Below what was measured, so the gate cannot slide to abstaining on everything. */
const REACH_FLOOR = { helpCentre: 0.4, sales: 0.85, pooled: 0.5 };

describe('answer or abstain on the labelled sets', () => {
  it('has enough unanswerable near-misses and sales scenarios, split in two halves', () => {
    const unanswerable = loadUnanswerable();
    const { setups, scenarios } = loadSalesScenarios();
    const ids = [...unanswerable, ...loadKnowledgeSet().questions, ...scenarios].map((c) => c.id);

    expect(unanswerable.length).toBeGreaterThanOrEqual(40);
    expect(new Set(ids).size).toBe(ids.length);
    expect(scenarios.filter((s) => !setups[s.setup])).toEqual([]);
    for (const set of [unanswerable, scenarios]) {
      const heldOut = set.filter((c) => halfOf(c.id) === 'held-out').length;
      expect(Math.abs(2 * heldOut - set.length)).toBeLessThanOrEqual(1);
    }
  });

  it('holds answer precision and abstain recall per set and pooled, with reach, on the held-out half', async () => {
    const helpCentre = await measureKnowledgeAnswers('held-out');
    const { misses, ...sales } = await measureSalesScenarios('held-out');
    const both = pooled([helpCentre, sales]);

    expect(helpCentre.precision).toBeGreaterThanOrEqual(HELP_CENTRE_PRECISION_FLOOR);
    expect(helpCentre.abstainRecall).toBeGreaterThanOrEqual(AIM.abstainRecall);
    expect(helpCentre.reach).toBeGreaterThanOrEqual(REACH_FLOOR.helpCentre);

    expect(sales.precision).toBeGreaterThanOrEqual(AIM.precision);
    expect(sales.abstainRecall).toBeGreaterThanOrEqual(AIM.abstainRecall);
    expect(sales.reach).toBeGreaterThanOrEqual(REACH_FLOOR.sales);
    expect(Object.keys(misses).length).toBeLessThanOrEqual(1);

    expect(both.precision).toBeGreaterThanOrEqual(AIM.precision);
    expect(both.abstainRecall).toBeGreaterThanOrEqual(AIM.abstainRecall);
    expect(both.reach).toBeGreaterThanOrEqual(REACH_FLOOR.pooled);
  });
});
