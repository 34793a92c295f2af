/**
 * What the generator reads of a conversation per answer, as the conversation grows: the whole
 * conversation (`listMessages`, what it read before) against the newest GENERATION_MESSAGE_WINDOW
 * messages (`listRecentMessages`, what it reads now), on the DynamoDB conversation store reached as the local
 * runtime reaches it (dynalite in a worker thread, over its MessagePort). Items and bytes read are
 * what a deployed table bills for (consistent reads: one read unit per 4 KB); the times are dynalite's.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDocumentClient, createDynamoStores } from '#lib/adapters/aws/dynamo-stores';
import { ensureTable } from '#lib/adapters/aws/table-definition';
import { startDynaliteWorker } from '#lib/adapters/local/dynalite-server';
import { createDynamoClient } from '#lib/adapters/local/in-process-registry';
import { GENERATION_MESSAGE_WINDOW } from '#lib/domain/limits/generation';
import type { Message } from '#lib/domain/types';
import { currentLoad, describeMachine, formatTable, type Machine, round1, writeReport } from './report.ts';
import { summarize } from './support/stats.ts';

export const SETTINGS = Object.freeze({
  /** Conversation lengths, in messages (half the prospect's, half replies). */
  lengths: [20, 100, 400, 1_000],
  /** Reads timed per length; the median is reported. */
  runs: 7,
  /** A typical message: about 200 characters. */
  text: 'How much is the pro plan, do you ship to Canada, and can I pay by invoice at the end of the month? Also, is there a discount for a yearly plan, and how long does delivery usually take?',
});

const OUTPUT_FILE = '.bench/history-read.json';
const TABLE = 'parley-history-bench';
const TENANT = 'ten_bench';
/** A consistent read costs one read unit per 4 KB (DynamoDB pricing). */
const READ_UNIT_BYTES = 4 * 1024;

interface ReadFigures {
  items: number;
  bytes: number;
  readUnits: number;
  medianMs: number;
}

export interface HistoryReadReport {
  benchmark: 'history-read';
  date: string;
  machine: Machine;
  window: number;
  lengths: Array<{ messages: number; whole: ReadFigures; window: ReadFigures }>;
  problems: string[];
}

export async function runHistoryReadBenchmark(): Promise<HistoryReadReport> {
  const loadBefore = currentLoad();
  const dir = await mkdtemp(join(tmpdir(), 'parley-history-'));
  const dynalite = await startDynaliteWorker({ path: join(dir, 'dynamodb') });
  const client = createDynamoClient({
    endpoint: dynalite.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await ensureTable(client, TABLE);
    const store = createDynamoStores({ tableName: TABLE, client: createDocumentClient(client) }).conversations;
    const lengths: HistoryReadReport['lengths'] = [];
    for (const messages of SETTINGS.lengths) {
      const conversationId = `conversation-${messages}`;
      for (let n = 0; n < messages; n++) await store.putMessage(aMessage(conversationId, n));
      lengths.push({
        messages,
        whole: await measure(() => store.listMessages(TENANT, conversationId)),
        window: await measure(() => store.listRecentMessages(TENANT, conversationId, GENERATION_MESSAGE_WINDOW)),
      });
    }
    const report: HistoryReadReport = {
      benchmark: 'history-read',
      date: new Date().toISOString(),
      machine: describeMachine(loadBefore),
      window: GENERATION_MESSAGE_WINDOW,
      lengths,
      problems: [],
    };
    process.stdout.write(formatReport(report));
    await writeReport(OUTPUT_FILE, report);
    return report;
  } finally {
    client.destroy();
    await dynalite.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Message ids sort by time (ULIDs); these, zero-padded, sort the same way. */
function aMessage(conversationId: string, n: number): Message {
  const inbound = n % 2 === 0;
  return {
    tenantId: TENANT,
    conversationId,
    id: `msg_${String(n).padStart(26, '0')}`,
    direction: inbound ? 'inbound' : 'outbound',
    kind: inbound ? 'prospect' : 'reply',
    text: SETTINGS.text,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
    ...(inbound ? { status: 'answered' as const } : {}),
  };
}

async function measure(read: () => Promise<Message[]>): Promise<ReadFigures> {
  const times: number[] = [];
  let messages: Message[] = [];
  for (let i = 0; i < SETTINGS.runs; i++) {
    const start = performance.now();
    messages = await read();
    times.push(performance.now() - start);
  }
  // The stored item's size, near enough: its attributes as JSON.
  const bytes = messages.reduce((sum, m) => sum + Buffer.byteLength(JSON.stringify(m)), 0);
  return {
    items: messages.length,
    bytes,
    readUnits: Math.ceil(bytes / READ_UNIT_BYTES),
    medianMs: round1(summarize(times).p50),
  };
}

function formatReport(report: HistoryReadReport): string {
  const rows = [
    ['messages', 'whole: items', 'KB', 'read units', 'ms', `newest ${report.window}: items`, 'KB', 'read units', 'ms'],
    ...report.lengths.map(({ messages, whole, window }) => [
      String(messages),
      String(whole.items),
      String(round1(whole.bytes / 1024)),
      String(whole.readUnits),
      String(whole.medianMs),
      String(window.items),
      String(round1(window.bytes / 1024)),
      String(window.readUnits),
      String(window.medianMs),
    ]),
  ];
  return `\nWhat one answer reads of its conversation: all of it (before) or the newest ${report.window} messages (now); consistent reads, median of ${SETTINGS.runs}\n\n${formatTable(rows)}`;
}
