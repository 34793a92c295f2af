import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonlEventLog } from '#lib/adapters/local/event-log';
import type { DomainEvent } from '#lib/ports/events';

function event(n: number, type: DomainEvent['type'] = 'message.answered'): DomainEvent {
  return {
    type,
    id: `evt_${n}`,
    tenantId: 'ten_1',
    occurredAt: '2026-11-27T10:00:00.000Z',
    detail: { conversation_id: 'alice@example.com', message_id: `msg_${n}` },
  };
}

async function readLines(file: string): Promise<unknown[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
}

describe('JsonlEventLog', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-events-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the directory and appends one JSON line per event', async () => {
    const file = join(dir, 'nested', 'data', 'events.jsonl');
    const log = new JsonlEventLog({ file });

    await log.publish([event(1), event(2, 'conversation.escalated')]);
    await log.publish([event(3, 'delivery.failed')]);

    expect(await readLines(file)).toEqual([event(1), event(2, 'conversation.escalated'), event(3, 'delivery.failed')]);
    expect((await readFile(file, 'utf8')).endsWith('\n')).toBe(true);
  });

  it('keeps the events of concurrent calls whole, one a line', async () => {
    const file = join(dir, 'events.jsonl');
    const log = new JsonlEventLog({ file });

    await Promise.all(Array.from({ length: 50 }, (_, i) => log.publish([event(i * 2), event(i * 2 + 1)])));

    const lines = (await readLines(file)) as DomainEvent[];
    expect(lines.map((e) => e.id).sort()).toEqual(Array.from({ length: 100 }, (_, i) => `evt_${i}`).sort());
  });

  it('appends to the events a previous run left', async () => {
    const file = join(dir, 'events.jsonl');
    await new JsonlEventLog({ file }).publish([event(1)]);

    await new JsonlEventLog({ file }).publish([event(2)]);

    expect(await readLines(file)).toEqual([event(1), event(2)]);
  });

  it('writes nothing for no events', async () => {
    const file = join(dir, 'events.jsonl');

    await new JsonlEventLog({ file }).publish([]);

    await expect(readFile(file, 'utf8')).rejects.toThrow('ENOENT');
  });
});
