/** The local runtime's stand-in for the EventBridge bus: domain events appended to a file. */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DomainEvent, EventPublisher } from '#lib/ports/events';

/**
 * Appends each event as one JSON line (`{type, id, tenantId, occurredAt, detail}`), so that
 * `tail -f events.jsonl | jq` shows what a bus consumer would see. Events published again after a
 * retry appear again, with the same id, as they would on the bus.
 */
export class JsonlEventLog implements EventPublisher {
  private readonly file: string;
  private directoryReady: Promise<unknown> | undefined;

  constructor(options: { file: string }) {
    this.file = options.file;
  }

  async publish(events: DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    this.directoryReady ??= mkdir(dirname(this.file), { recursive: true }).catch((error: unknown) => {
      this.directoryReady = undefined;
      throw error;
    });
    await this.directoryReady;
    const lines = events.map(({ type, id, tenantId, occurredAt, detail }) =>
      JSON.stringify({ type, id, tenantId, occurredAt, detail }),
    );
    // One append (O_APPEND) per call, so the short lines of concurrent calls do not mix.
    await appendFile(this.file, `${lines.join('\n')}\n`, 'utf8');
  }
}
