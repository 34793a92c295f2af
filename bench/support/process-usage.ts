/**
 * A process's CPU time and memory, read from Linux's /proc as `top` and `ps` do, so a benchmark can
 * say what the runtime child (with its worker threads) used while it was measured.
 */
import { readFile } from 'node:fs/promises';

/** /proc reports CPU times in clock ticks of USER_HZ, which Linux fixes at 100 per second for user space. */
const CLOCK_TICKS_PER_SECOND = 100;
/** In /proc/<pid>/stat, after the command name: utime and stime are fields 14 and 15, i.e. the 12th and 13th. */
const UTIME_AFTER_COMMAND = 11;
const STIME_AFTER_COMMAND = 12;
const KIB_PER_MIB = 1024;

export interface ProcessUsage {
  /** User + system CPU time since the process started, all threads. */
  cpuSeconds: number;
  /** Resident memory now (VmRSS) and at its highest so far (VmHWM). */
  rssMb: number;
  peakRssMb: number;
}

/** The usage of process `pid`, or undefined where there is no /proc (not Linux) or no such process. */
export async function readProcessUsage(pid: number): Promise<ProcessUsage | undefined> {
  try {
    const [stat, status] = await Promise.all([
      readFile(`/proc/${pid}/stat`, 'utf8'),
      readFile(`/proc/${pid}/status`, 'utf8'),
    ]);
    return { cpuSeconds: parseCpuSeconds(stat), ...parseMemory(status) };
  } catch {
    return undefined;
  }
}

/** utime + stime from a /proc/<pid>/stat line, in seconds; the command name may hold spaces, so fields count from its `)`. */
export function parseCpuSeconds(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[UTIME_AFTER_COMMAND]) + Number(fields[STIME_AFTER_COMMAND]);
  if (!Number.isFinite(ticks)) throw new Error('unreadable /proc stat line');
  return ticks / CLOCK_TICKS_PER_SECOND;
}

/** VmRSS and VmHWM from /proc/<pid>/status (reported in kB), in MiB. */
export function parseMemory(status: string): { rssMb: number; peakRssMb: number } {
  const kib = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!match?.[1]) throw new Error(`no ${name} in /proc status`);
    return Number(match[1]);
  };
  return { rssMb: kib('VmRSS') / KIB_PER_MIB, peakRssMb: kib('VmHWM') / KIB_PER_MIB };
}
