/** What every benchmark shares: the machine it ran on, rounding, a plain-text table, the JSON file. */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';

export interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
  platform: string;
  /** The 1-minute load average before and after the run: other work on the machine skews figures. */
  loadAverage: { before: number; after: number };
}

/** The current 1-minute load average, rounded; take it before a run and pass it to describeMachine. */
export function currentLoad(): number {
  return round2(loadavg()[0] ?? 0);
}

/** The machine a benchmark ran on, with the load average it started under and the one it ended with. */
export function describeMachine(loadBefore: number): Machine {
  return {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverage: { before: loadBefore, after: currentLoad() },
  };
}

export function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Rows of cells as an indented text table: the first `leftColumns` columns left-aligned (text), the others right-aligned (figures). */
export function formatTable(rows: string[][], leftColumns = 1): string {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((row) => row[col]?.length ?? 0))) ?? [];
  return rows
    .map((row) =>
      row.map((text, col) => (col < leftColumns ? text.padEnd(widths[col] ?? 0) : text.padStart(widths[col] ?? 0))),
    )
    .map((row) => `  ${row.join('   ')}\n`)
    .join('');
}

/** Writes a benchmark's figures as JSON (under the git-ignored `.bench/`) and says where. */
export async function writeReport(file: string, report: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`  figures written to ${file}\n`);
}

/** Resolves after `ms` (at once for a time already past). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** Rejects after `ms`, naming `what`; the timer never outlives the promise. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
