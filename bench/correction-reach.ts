/**
 * Correction reach on the labelled set in test/fixtures/corrections-set, both halves: how many
 * rewordings of a corrected question get the correction, and how many near-misses wrongly do.
 * `offline` is what the offline model answers with (its stricter threshold); `candidates` what
 * retrieval hands a real model, which then decides (so near-misses handed over are expected there,
 * and the prompt tells the model to turn them down). Lexical always; hybrid with the feature-hashing
 * STAND-IN for an embedding model used by the knowledge benchmarks: it knows no meaning, so the
 * hybrid figures exercise the vector path and say nothing of reach with a real model (OpenAI
 * embeddings need a key, not run here). Tuned on the tuning half only; the held-out half is the
 * figure that counts (test/unit/correction-reach.test.ts holds it).
 */
import {
  type Half,
  loadCorrectionsSet,
  measureReach,
  type Reach,
  type ReachMode,
  REWORDING_KINDS,
} from '#test/support/corrections-set';
import { currentLoad, describeMachine, formatTable, type Machine, round2, writeReport } from './report.ts';
import { HASHING_MODEL, hashingEmbed } from './support/hashing-embedder.ts';

const OUTPUT_FILE = '.bench/correction-reach.json';
/** The aim, offline, on the held-out half. */
export const REACH_AIM = { reach: 0.9, nearMissesMatched: 0 };

const HALVES: readonly Half[] = ['tuning', 'held-out'];
const embedder = { model: HASHING_MODEL, embed: (text: string) => hashingEmbed(text) };

interface Row {
  half: Half;
  mode: ReachMode;
  search: 'lexical' | 'hybrid (hashing stand-in)';
  reach: number;
  rewordings: number;
  byKind: Record<string, number>;
  nearMisses: number;
  nearMissesMatched: number;
}

export interface CorrectionReachReport {
  benchmark: 'correction-reach';
  date: string;
  machine: Machine;
  labelledSet: { corrections: number; rewordings: number; nearMisses: number };
  rows: Row[];
  problems: string[];
}

export async function runCorrectionReachBenchmark(): Promise<{ problems: string[] }> {
  const loadBefore = currentLoad();
  const set = loadCorrectionsSet();
  const rows: Row[] = [];
  for (const half of HALVES) {
    for (const mode of ['offline', 'candidates'] as const) {
      rows.push(rowOf(half, mode, 'lexical', measureReach(set, half, { mode })));
      rows.push(rowOf(half, mode, 'hybrid (hashing stand-in)', measureReach(set, half, { mode, embedder })));
    }
  }
  const problems = rows.some((r) => r.rewordings === 0) ? ['a half of the set has no rewordings'] : [];
  const report: CorrectionReachReport = {
    benchmark: 'correction-reach',
    date: new Date().toISOString(),
    machine: describeMachine(loadBefore),
    labelledSet: {
      corrections: set.corrections.length,
      rewordings: set.corrections.reduce((n, c) => n + Object.values(c.rewordings).flat().length, 0),
      nearMisses: set.corrections.reduce((n, c) => n + c.near_misses.length, 0),
    },
    rows,
    problems,
  };
  process.stdout.write(formatReport(report));
  await writeReport(OUTPUT_FILE, report);
  return { problems };
}

function rowOf(half: Half, mode: ReachMode, search: Row['search'], reach: Reach): Row {
  const byKind = Object.fromEntries(
    REWORDING_KINDS.map((k) => [k, round2(reach.byKind[k].reached / Math.max(1, reach.byKind[k].rewordings))]),
  );
  return {
    half,
    mode,
    search,
    reach: round2(reach.reach),
    rewordings: reach.rewordings,
    byKind,
    nearMisses: reach.nearMisses,
    nearMissesMatched: reach.nearMissesMatched,
  };
}

function formatReport(r: CorrectionReachReport): string {
  const header = ['half', 'who decides', 'search', 'reach', ...REWORDING_KINDS, 'near-misses matched'];
  const rows = r.rows.map((row) => [
    row.half,
    row.mode === 'offline' ? 'offline model' : 'handed to a model',
    row.search,
    `${row.reach.toFixed(2)} of ${row.rewordings}`,
    ...REWORDING_KINDS.map((k) => (row.byKind[k] ?? 0).toFixed(2)),
    `${row.nearMissesMatched} of ${row.nearMisses}`,
  ]);
  const { corrections, rewordings, nearMisses } = r.labelledSet;
  return (
    `  labelled set: ${corrections} corrections, ${rewordings} rewordings, ${nearMisses} near-misses\n\n` +
    `${formatTable([header, ...rows], 3)}\n`
  );
}
