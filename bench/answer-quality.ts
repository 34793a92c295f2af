/**
 * Answer quality of the offline model (answer or abstain), on both halves of each labelled set:
 * the Brightdesk help-centre questions with their unanswerable near-misses, and the sales
 * scenarios. Prints answer precision, reach and abstain recall per set and half, and pooled over
 * both sets; the held-out half is what test/unit/answer-quality.test.ts holds at the aims.
 * Deterministic: the figures change only when the model, the retrieval or the sets change.
 */
import {
  type AnswerQuality,
  type Half,
  HALVES,
  measureKnowledgeAnswers,
  measureSalesScenarios,
  pooled,
} from '#test/support/answer-quality';
import { currentLoad, describeMachine, formatTable, type Machine, round2, writeReport } from './report.ts';

/** The aims for the offline model. */
export const AIMS = Object.freeze({ precision: 0.95, abstainRecall: 0.9 });

const OUTPUT_FILE = '.bench/answer-quality.json';

/** A set's figures on one half, the ratios rounded to two places. */
type Figures = AnswerQuality;

export interface AnswerQualityReport {
  benchmark: 'answer-quality';
  date: string;
  machine: Machine;
  aims: typeof AIMS;
  /** By set, then by half. */
  sets: Record<'helpCentre' | 'sales' | 'pooled', Record<Half, Figures>>;
  problems: string[];
}

const rounded = (q: AnswerQuality): Figures => ({
  ...q,
  precision: round2(q.precision),
  reach: round2(q.reach),
  abstainRecall: round2(q.abstainRecall),
});

export async function runAnswerQualityBenchmark(): Promise<{ problems: string[] }> {
  const loadBefore = currentLoad();
  const sets: AnswerQualityReport['sets'] = { helpCentre: {}, sales: {}, pooled: {} } as AnswerQualityReport['sets'];
  for (const half of HALVES) {
    const helpCentre = await measureKnowledgeAnswers(half);
    const { misses: _, ...sales } = await measureSalesScenarios(half);
    sets.helpCentre[half] = rounded(helpCentre);
    sets.sales[half] = rounded(sales);
    sets.pooled[half] = rounded(pooled([helpCentre, sales]));
  }
  const problems = HALVES.filter((half) => sets.pooled[half].answerable === 0).map((h) => `${h}: no answerable cases`);
  const report: AnswerQualityReport = {
    benchmark: 'answer-quality',
    date: new Date().toISOString(),
    machine: describeMachine(loadBefore),
    aims: AIMS,
    sets,
    problems,
  };
  process.stdout.write(formatReport(report));
  await writeReport(OUTPUT_FILE, report);
  return { problems };
}

function formatReport(r: AnswerQualityReport): string {
  const names = { helpCentre: 'help centre', sales: 'sales scenarios', pooled: 'both sets' } as const;
  const rows = [
    ['set', 'half', 'answered / answerable', 'precision', 'reach', 'abstained / unanswerable', 'abstain recall'],
    ...(Object.keys(names) as Array<keyof typeof names>).flatMap((set) =>
      HALVES.map((half) => {
        const f = r.sets[set][half];
        return [
          names[set],
          half,
          `${f.answered} / ${f.answerable}`,
          f.precision.toFixed(2),
          f.reach.toFixed(2),
          `${f.abstained} / ${f.unanswerable}`,
          f.abstainRecall.toFixed(2),
        ];
      }),
    ),
  ];
  const heldOut = r.sets.helpCentre['held-out'];
  return [
    `\nOffline model, answer or abstain (aims: precision ≥ ${r.aims.precision}, abstain recall ≥ ${r.aims.abstainRecall}, on the held-out half)\n`,
    formatTable(rows, 2),
    `  help centre, held out: answered wrong ${heldOut.wrong.join(', ') || 'none'}; ` +
      `answered though unanswerable ${heldOut.missedAbstentions.join(', ') || 'none'}\n`,
    ...r.problems.map((p) => `  PROBLEM: ${p}\n`),
  ].join('');
}
