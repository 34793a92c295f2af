/** The local runtime's TimerStore in memory. */
import { clone, compare, key } from '#test/support/memory/memory-records';
import type { TimerRecord, TimerStore } from '#lib/ports/timers';

export class MemoryTimerStore implements TimerStore {
  private readonly timers = new Map<string, TimerRecord>();

  async putTimer(timer: TimerRecord): Promise<void> {
    this.timers.set(key(timer.payload.tenantId, timer.name), clone(timer));
  }
  async deleteTimer(tenantId: string, name: string): Promise<void> {
    this.timers.delete(key(tenantId, name));
  }
  async listTimers(before: string, limit: number): Promise<TimerRecord[]> {
    // Soonest first, ties by name, as the DynamoDB timer index's sort key `{at}#{name}` < before.
    return [...this.timers.values()]
      .filter((timer) => timer.at < before)
      .sort((a, b) => compare(`${a.at}#${a.name}`, `${b.at}#${b.name}`))
      .slice(0, Math.max(0, limit))
      .map(clone);
  }
}
