/**
 * What 1,000 answered messages cost, modelled from what the real code does. The real use cases
 * (the HTTP route table with acceptMessage, generateReply, deliverWebhook) run in-process on the real
 * adapters: the DynamoDB stores on dynalite, the SQS queues on fauxqs, FetchWebhookSender to a loopback
 * receiver, EventBridgePublisher with its transport stubbed, and the offline model standing in for
 * OpenAI. A middleware on each SDK client counts every command by type and measures DynamoDB
 * capacity; the prices and assumptions below turn the counts into dollars. Modelled from local
 * measurements, not from an AWS bill: docs/costs.md says how far to trust it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  EventBridgeClient,
  type PutEventsCommandInput,
  type PutEventsCommandOutput,
} from '@aws-sdk/client-eventbridge';
import {
  DeleteMessageCommand,
  type Message as SqsMessage,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { type DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { isConditionFailed } from '#lib/adapters/aws/dynamo-context';
import { createDocumentClient, createDynamoStores } from '#lib/adapters/aws/dynamo-stores';
import { EventBridgePublisher } from '#lib/adapters/aws/eventbridge-publisher';
import {
  deliveryJobFromRecord,
  generationJobFromRecord,
  SqsDeliveryQueue,
  SqsGenerationQueue,
  SqsIngestionQueue,
  SqsEvaluationQueue,
} from '#lib/adapters/aws/sqs-queues';
import { GSI1_PROJECTED_ATTRIBUTES, TABLE_KEYS } from '#lib/adapters/aws/table-definition';
import { FetchWebhookSender } from '#lib/adapters/http/webhook-sender';
import { FileBlobStore } from '#lib/adapters/local/file-blob-store';
import { createLocalQueues } from '#lib/adapters/local/local-queues';
import { OfflineChatModel } from '#lib/adapters/offline/offline-chat-model';
import { buildReplyJsonSchema } from '#lib/adapters/openai/reply-wire-schema';
import { systemClock } from '#lib/adapters/system/system-clock';
import { createUlidIds } from '#lib/adapters/system/ulid-ids';
import { createAi } from '#lib/app/ais';
import { deliverWebhook } from '#lib/app/deliver-webhook';
import type { Deps } from '#lib/app/deps';
import { KnowledgeIndexCache } from '#lib/app/knowledge/knowledge-index';
import { generateReply } from '#lib/app/generate-reply';
import { SWEEP_STALE_AFTER_SECONDS, recoverPending, staleCutoffs } from '#lib/app/recover-pending';
import { ensureTenantForKey } from '#lib/app/tenants';
import { buildChatMessages } from '#lib/domain/prompt';
import type { ReplyRequest } from '#lib/domain/reply';
import type { ChatModel } from '#lib/ports/chat-model';
import type { WebhookSender } from '#lib/ports/deliveries';
import type { Logger } from '#lib/ports/system';
import { QUEUE_SETTINGS } from '#lib/queue-settings';
import { createHttpHandler } from '#functions/http/router';
import { routes } from '#functions/http/routes/index';
import { METRIC, METRICS_NAMESPACE, METRICS_SERVICE } from '#functions/metrics';
import { createTestTable, type RunningDynalite, startDynalite } from '#test/support/dynalite';
import { startTestSqs, type TestSqs, uniqueQueueName } from '#test/support/fauxqs';
import { startWebhookReceiver, type WebhookReceiver } from '#test/support/webhook-receiver';
import { percentile } from './support/stats.ts';
import { FUNCTION_ENTRIES, type FunctionName } from '../infra/bundling.ts';
import { parseInfraConfig } from '../infra/config.ts';
import { SWEEP_INTERVAL } from '../infra/constructs/generation.ts';
import { FUNCTION_DEFAULTS } from '../infra/constructs/lambda-function.ts';
import { currentLoad, describeMachine, formatTable, round2, writeReport, withTimeout } from './report.ts';

// ── Prices ─────────────────────────────────────────────────────────────────────────────────────
/**
 * List prices, on demand, no free tier. The first block is the issue's list; the second holds
 * prices of things the stack also uses, added here. Check them against the pricing pages before
 * relying on a figure: this table is the only place they live.
 */
export const PRICES = Object.freeze({
  asOf: '2026-11-27',
  region: 'us-east-1',
  lambdaArm64PerGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  httpApiPerMillionRequests: 1.0,
  sqsStandardPerMillionRequests: 0.4,
  sqsFifoPerMillionRequests: 0.5,
  dynamoDbPerMillionWriteUnits: 0.625,
  dynamoDbPerMillionReadUnits: 0.125,
  eventBridgePerMillionCustomEvents: 1.0,
  logsIngestionPerGb: 0.5,
  gpt4oMiniPerMillionInputTokens: 0.15,
  gpt4oMiniPerMillionOutputTokens: 0.6,
  secretPerMonth: 0.4,
  alarmPerMonth: 0.1,
  /** Beyond the three dashboards an account gets free. */
  dashboardPerMonth: 3,
  // Added: the stack turns these on too.
  xRayPerMillionTracesRecorded: 5.0,
  customMetricPerMonth: 0.3,
  dynamoDbStoragePerGbMonth: 0.25,
  dynamoDbPitrPerGbMonth: 0.2,
});

// ── Assumptions ────────────────────────────────────────────────────────────────────────────────
const INFRA_DEFAULTS = parseInfraConfig(() => undefined);

/** What is assumed rather than measured; each is stated in the report and in docs/costs.md. */
export const ASSUMPTIONS = Object.freeze({
  /** Round trip of one AWS API call from a Lambda in the same region. */
  awsCallMs: 6,
  /** A gpt-4o-mini answer of ~120 tokens: time to first token plus generation. Billed as generator duration. */
  modelWaitMs: 2_000,
  /** A catch hook (Zapier and the like) answering a webhook POST. Billed as delivery duration. */
  webhookWaitMs: 200,
  outputTokensPerAnswer: 120,
  /** Input tokens ≈ characters / 4 (OpenAI's rule of thumb for English). */
  charsPerToken: 4,
  /** Event source mappings: one ReceiveMessage and one DeleteMessageBatch per batch of records. */
  generationRecordsPerBatch: INFRA_DEFAULTS.generatorBatchSize,
  deliveryRecordsPerBatch: QUEUE_SETTINGS.delivery.batchSize,
  /** Trace context flows api → SQS → generator → SQS → delivery, so one trace per message; all sampled below 1 req/s. */
  xRayTracesPerMessage: 1,
  /** CloudWatch Logs counts each event's UTF-8 bytes plus 26 bytes (as PutLogEvents does). */
  logEventOverheadBytes: 26,
  /** An idle event source mapping long-polls (20 s) with about five pollers per queue. */
  idlePollersPerQueue: 5,
  hoursPerMonth: 730,
});

// ── Scenario ───────────────────────────────────────────────────────────────────────────────────
export const SETTINGS = Object.freeze({
  conversations: 50,
  /** Messages per conversation for each fifth of the conversations: 10 × (1+2+4+6+7) = 200 messages. */
  messagesPerConversation: [1, 2, 4, 6, 7],
  /** Every this-many-th message asks for a person, so its answer also escalates (a second webhook). */
  humanRequestEvery: 25,
  aim: { infrastructureUsdPerThousand: 0.03 },
});

/** No message is started after this; the whole run is abandoned (servers stopped) after OVERALL_TIMEOUT_MS. */
const SCENARIO_DEADLINE_MS = 240_000;
const OVERALL_TIMEOUT_MS = 300_000;
/** How long a timed-out run gets to finish the message in flight: longer than a webhook timeout. */
const STOP_TIMEOUT_MS = 30_000;
/** Long enough for fauxqs to hand over a record that was just sent. */
const RECEIVE_TIMEOUT_MS = 5_000;
const OUTPUT_FILE = '.bench/cost-model.json';
const BYTES_PER_GB = 1024 ** 3;
/** What functions/sweeper.ts passes (that module composes real clients on import, so it is not imported). */
const SWEEPER_BATCH = 500;

/** What a prospect business tells its AI; the offline model ignores it, but it is part of every prompt. */
const AI_INSTRUCTIONS = [
  'Acme Booking sells online appointment booking for clinics and salons.',
  'Plans: Starter $29/month (one location), Growth $79/month (up to five locations), Pro $199/month',
  '(unlimited locations, API access). Annual billing saves two months. 14-day free trial, no card needed.',
  'Integrations: Google Calendar, Outlook, HubSpot, Zapier. Data is stored in the EU (Frankfurt).',
  'Support hours: Monday to Friday, 9:00 to 18:00 CET. Never promise discounts beyond annual billing;',
  'offer a call with sales instead. Keep answers friendly and short.',
].join('\n');

const PROSPECT_MESSAGES = [
  'Hi! How much is the Pro plan for a team of 12, and is there a discount if we pay yearly?',
  "Do you integrate with HubSpot? We keep all our leads there and I'd rather not copy them by hand.",
  'Thanks, that helps. Can I try it before I buy?',
  'What happens to my data if I cancel?',
  'Hello, is there a setup fee?',
  'We are a small dental clinic with three locations. Would this work for booking questions that come in by SMS after hours? Most of our patients text us in the evening and nobody is there to answer.',
  'Great, thank you!',
  'Is the data stored in the EU? Our customers are mostly in Germany and we need to be GDPR compliant.',
  'How long does onboarding usually take?',
  'Could you send me the link to the pricing page?',
  'Does it support Spanish and Portuguese replies?',
  "What's the difference between the Starter and Growth plans?",
  'ok',
  'Can it answer questions about our cancellation policy if we give it a PDF?',
];
const HUMAN_REQUESTS = [
  'Can I speak to a real person about an enterprise contract?',
  'I was charged twice this month and I want to talk to a manager.',
];
const CHANNELS = ['email', 'sms', 'chat', 'website'] as const;
const FIRST_NAMES = ['Grace', 'Alan', 'Ada', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Radia', 'John'];

// ── Report shape ───────────────────────────────────────────────────────────────────────────────
// The ingester's cost follows documents indexed, not messages answered, and the timer function's
// (with its EventBridge Scheduler invocations) follows the follow-ups and nudges sent: neither is
// modelled here. The timer function has no fixed part either: nothing polls or runs it when no timer fires.
type FunctionKey = Exclude<FunctionName, 'sweeper' | 'ingester' | 'timer' | 'evaluator'>;

export interface CostLine {
  kind: 'infrastructure' | 'model';
  service: string;
  item: string;
  /** Quantity per answered message, in `unit`s. */
  perMessage: number;
  unit: string;
  unitPrice: string;
  /** Measured (counted by the benchmark), or modelled from a stated assumption. */
  basis: 'measured' | 'assumed' | 'measured + assumed';
  usdPerThousand: number;
  /** Lambda time spent waiting on the model or the webhook receiver (set only on those lines). */
  wait?: true;
}

export interface FixedCost {
  item: string;
  usdPerMonth: number;
  note: string;
}

export interface FunctionFigures {
  invocations: number;
  /** Median time of the use case in-process, without waits on AWS, the model or the webhook receiver. */
  inProcessMsMedian: number;
  inProcessMsP95: number;
  /** AWS API calls per invocation (mean), and by command. */
  awsCallsPerInvocation: number;
  callsPerInvocation: Record<string, number>;
  /** Billed duration per invocation: in-process + calls × awsCallMs + the assumed wait, rounded up to 1 ms. */
  modelledDurationMs: number;
  memoryMb: number;
}

export interface CostModelReport {
  benchmark: 'cost-model';
  date: string;
  machine: {
    cpus: number;
    cpuModel: string;
    node: string;
    platform: string;
    /** 1-minute load average before and after: other work on the machine skews the in-process times. */
    loadAverage: { before: number; after: number };
  };
  prices: typeof PRICES;
  assumptions: typeof ASSUMPTIONS;
  settings: typeof SETTINGS;
  measured: {
    messages: number;
    answered: number;
    escalations: number;
    webhooks: number;
    /** AWS SDK commands per answered message, by service, command and target. */
    callsPerMessage: Record<string, number>;
    functions: Record<FunctionKey, FunctionFigures>;
    dynamoDb: {
      writeUnitsPerMessage: { table: number; index: number; refusedConditionalWrites: number };
      /** What dynalite itself reports for the table writes that succeeded (no index, no refused writes). */
      dynaliteTableWriteUnitsPerMessage: number;
      readUnitsPerMessage: number;
      /** Bytes kept per answered message once idempotency records expire (with DynamoDB's 100 B per item). */
      storedBytesPerMessage: number;
    };
    eventBridgeEventsPerMessage: number;
    logBytesPerMessage: Record<string, number>;
    tokens: { inputPerMessage: number; promptCharsPerMessage: number; schemaTokens: number; outputPerMessage: number };
    sweeper: { awsCalls: number; readUnits: number; inProcessMs: number };
  };
  costs: CostLine[];
  totals: {
    infrastructureUsdPerThousand: number;
    modelUsdPerThousand: number;
    totalUsdPerThousand: number;
    /** Infrastructure with durations as in-process + AWS calls only (no model or webhook wait). */
    infrastructureWithoutWaitsUsdPerThousand: number;
    aimMet: boolean;
  };
  storageUsdPerThousandPerMonth: number;
  fixedMonthly: FixedCost[];
  problems: string[];
}

// ── Entry point ────────────────────────────────────────────────────────────────────────────────
/** Runs the pipeline on emulators, counts what it asks of AWS, prints the cost table, writes `.bench/cost-model.json`. */
export async function runCostModelBenchmark(): Promise<{ problems: string[] }> {
  // The SDK warns once per process that Node 20 support ends; it is noise in a benchmark's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const loadBefore = currentLoad();
  const cleanups: Array<() => Promise<unknown>> = [];
  const stop = new AbortController();
  const scenario = runScenario(cleanups, stop.signal);
  let run: ScenarioResult;
  try {
    run = await withTimeout(scenario, OVERALL_TIMEOUT_MS, 'the cost model run');
  } catch (error) {
    // Let the step in flight end before the servers go: dynalite throws on a request to a closed database.
    stop.abort();
    await withTimeout(scenario, STOP_TIMEOUT_MS, 'stopping the scenario').catch(() => undefined);
    throw error;
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) => process.stderr.write(`  cleanup failed: ${String(error)}\n`));
    }
  }
  const report = buildReport(run, loadBefore);
  process.stdout.write(formatReport(report));
  await writeReport(OUTPUT_FILE, report);
  return { problems: report.problems };
}

// ── Recording what each invocation does ─────────────────────────────────────────────────────────
type UseCase = FunctionKey | 'sweeper';

interface Invocation {
  useCase: UseCase;
  wallMs: number;
  /** Inside the SDK's HTTP handler: the emulator's work and loopback, which a real call replaces. */
  wireMs: number;
  /** The benchmark's own reads (item sizes before and after each write). */
  asideMs: number;
  /** The offline model and the loopback webhook, which stand in for the assumed waits. */
  standInMs: number;
  calls: Map<string, number>;
  writeUnits: { table: number; index: number; refused: number };
  dynaliteTableWriteUnits: number;
  readUnits: number;
  events: number;
  /** Bytes of log lines the Powertools logger wrote at INFO and above. */
  logBytes: number;
  logLines: number;
}

class Recorder {
  readonly invocations: Invocation[] = [];
  private current: Invocation | undefined;

  /** Runs one use case as one Lambda invocation would, attributing every call it makes to it. */
  async run<T>(useCase: UseCase, work: () => Promise<T>): Promise<{ result: T; invocation: Invocation }> {
    const invocation: Invocation = {
      useCase,
      wallMs: 0,
      wireMs: 0,
      asideMs: 0,
      standInMs: 0,
      calls: new Map(),
      writeUnits: { table: 0, index: 0, refused: 0 },
      dynaliteTableWriteUnits: 0,
      readUnits: 0,
      events: 0,
      logBytes: 0,
      logLines: 0,
    };
    this.current = invocation;
    const start = performance.now();
    try {
      const result = await work();
      return { result, invocation };
    } finally {
      invocation.wallMs = performance.now() - start;
      this.current = undefined;
      this.invocations.push(invocation);
    }
  }

  /** The invocation running now; calls made outside one (setup) are not counted. */
  get active(): Invocation | undefined {
    return this.current;
  }

  count(label: string): void {
    const calls = this.current?.calls;
    calls?.set(label, (calls.get(label) ?? 0) + 1);
  }

  /** Times `work` and books it under `field`, so it can be taken out of the in-process time. */
  async timed<T>(field: 'wireMs' | 'asideMs' | 'standInMs', work: () => Promise<T>): Promise<T> {
    const invocation = this.current;
    const start = performance.now();
    try {
      return await work();
    } finally {
      if (invocation) invocation[field] += performance.now() - start;
    }
  }
}

// ── SDK instrumentation ────────────────────────────────────────────────────────────────────────
type Item = Record<string, unknown>;
interface DynamoInput {
  TableName?: string;
  IndexName?: string;
  Key?: Item;
  Item?: Item;
  ConsistentRead?: boolean;
}
interface ConsumedCapacityOutput {
  ConsumedCapacity?: { CapacityUnits?: number; Table?: { CapacityUnits?: number } };
}

const WRITE_COMMANDS = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);
const READ_COMMANDS = new Set(['GetItem', 'Query', 'Scan']);

/**
 * Counts DynamoDB commands and their capacity. Reads take the units dynalite reports (ReturnConsumedCapacity,
 * computed by DynamoDB's rules). Writes are computed from the item before and after, because dynalite
 * leaves out index writes and refused conditional writes, which DynamoDB bills.
 */
function instrumentDynamoDb(client: DynamoDBClient, recorder: Recorder, snapshots: DynamoDBDocumentClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName).replace(/Command$/, '');
      const input = args.input as DynamoInput;
      const invocation = recorder.active;
      if (!invocation) return next(args);
      recorder.count(`DynamoDB ${command}${input.IndexName ? ` (${input.IndexName})` : ''}`);
      const key = WRITE_COMMANDS.has(command) ? keyOf(input) : undefined;
      const read = (k: Item) => recorder.timed('asideMs', () => readItem(snapshots, input.TableName, k));
      const before = key ? await read(key) : undefined;
      try {
        const output = await next({ ...args, input: { ...input, ReturnConsumedCapacity: 'INDEXES' } });
        const consumed = (output.output as ConsumedCapacityOutput).ConsumedCapacity;
        if (READ_COMMANDS.has(command)) {
          invocation.readUnits += Math.max(consumed?.CapacityUnits ?? 0, input.ConsistentRead ? 1 : 0.5);
        }
        if (key) {
          const units = writeUnits(before, await read(key));
          invocation.writeUnits.table += units.table;
          invocation.writeUnits.index += units.index;
          invocation.dynaliteTableWriteUnits += consumed?.Table?.CapacityUnits ?? consumed?.CapacityUnits ?? 0;
        }
        return output;
      } catch (error) {
        // A refused conditional write still costs the write: at least one unit, by the larger item.
        if (key && isConditionFailed(error)) invocation.writeUnits.refused += refusedWriteUnits(before, input.Item);
        throw error;
      }
    },
    { step: 'initialize', name: 'benchCountDynamoDb' },
  );
  client.middlewareStack.add((next) => (args) => recorder.timed('wireMs', () => next(args)), WIRE_TIMER);
}

/** Counts SQS commands by queue type (FIFO and standard requests are priced apart). */
function instrumentSqs(client: SQSClient, recorder: Recorder): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const queueUrl = String((args.input as { QueueUrl?: string }).QueueUrl ?? '');
      const command = String(context.commandName).replace(/Command$/, '');
      recorder.count(`SQS ${command} (${queueUrl.endsWith('.fifo') ? 'FIFO' : 'standard'})`);
      return next(args);
    },
    { step: 'initialize', name: 'benchCountSqs' },
  );
  client.middlewareStack.add((next) => (args) => recorder.timed('wireMs', () => next(args)), WIRE_TIMER);
}

/**
 * Counts PutEvents calls and their entries (each entry up to 64 KB is one billed event) and answers
 * them itself, as EventBridge would with every entry accepted: there is no local EventBridge.
 */
function instrumentEventBridge(client: EventBridgeClient, recorder: Recorder): void {
  client.middlewareStack.add(
    (_next, context) => async (args) => {
      const entries = (args.input as PutEventsCommandInput).Entries ?? [];
      recorder.count(`EventBridge ${String(context.commandName).replace(/Command$/, '')}`);
      const invocation = recorder.active;
      if (invocation) invocation.events += entries.reduce((n, e) => n + Math.ceil(byteLength(e) / (64 * 1024)), 0);
      const output: PutEventsCommandOutput = {
        FailedEntryCount: 0,
        Entries: entries.map((_, i) => ({ EventId: `bench-${i}` })),
        $metadata: {},
      };
      return { output, response: {} };
    },
    { step: 'initialize', name: 'benchStubEventBridge' },
  );
}

/**
 * Wraps the HTTP handler alone (innermost in the last step), so the SDK's own marshalling, signing and
 * parsing stay in the in-process time while the emulator's work and loopback do not.
 */
const WIRE_TIMER = { step: 'deserialize', name: 'benchWireTime', priority: 'low' } as const;

function keyOf(input: DynamoInput): Item | undefined {
  const source = input.Key ?? input.Item;
  if (!source) return undefined;
  return {
    [TABLE_KEYS.partitionKey]: source[TABLE_KEYS.partitionKey],
    [TABLE_KEYS.sortKey]: source[TABLE_KEYS.sortKey],
  };
}

async function readItem(
  client: DynamoDBDocumentClient,
  tableName: string | undefined,
  key: Item,
): Promise<Item | undefined> {
  const output = await client.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
  return output.Item;
}

/**
 * Write units as DynamoDB bills them: the table by the larger of the item before and after (1 KB
 * units, at least one); the index by the size of its entry (the keys and the projected attributes,
 * GSI1_PROJECTED_ATTRIBUTES), once for a new or removed entry, once when a projected attribute
 * changes (not at all when only other attributes do), and twice when its key moves (delete, then put).
 */
function writeUnits(before: Item | undefined, after: Item | undefined): { table: number; index: number } {
  const table = Math.max(1, kbUnits(before), kbUnits(after));
  const [entryBefore, entryAfter] = [indexEntry(before), indexEntry(after)];
  if (entryBefore && entryAfter) {
    if (indexKey(before) !== indexKey(after)) return { table, index: kbUnits(entryBefore) + kbUnits(entryAfter) };
    const changed = canonical(entryBefore) !== canonical(entryAfter);
    return { table, index: changed ? Math.max(kbUnits(entryBefore), kbUnits(entryAfter)) : 0 };
  }
  return { table, index: kbUnits(entryBefore ?? entryAfter) };
}

/** What gsi1 holds of an item: the table and index keys and the projected attributes; none if unindexed. */
function indexEntry(item: Item | undefined): Item | undefined {
  if (!isIndexed(item) || !item) return undefined;
  const { partitionKey, sortKey, gsi1 } = TABLE_KEYS;
  const names = [partitionKey, sortKey, gsi1.partitionKey, gsi1.sortKey, ...GSI1_PROJECTED_ATTRIBUTES];
  return Object.fromEntries(names.filter((name) => item[name] !== undefined).map((name) => [name, item[name]]));
}

function refusedWriteUnits(before: Item | undefined, attempted: Item | undefined): number {
  return Math.max(1, kbUnits(before), kbUnits(attempted));
}

function isIndexed(item: Item | undefined): boolean {
  return item?.[TABLE_KEYS.gsi1.partitionKey] !== undefined && item[TABLE_KEYS.gsi1.sortKey] !== undefined;
}

function indexKey(item: Item | undefined): string {
  return `${String(item?.[TABLE_KEYS.gsi1.partitionKey])}\n${String(item?.[TABLE_KEYS.gsi1.sortKey])}`;
}

function kbUnits(item: Item | undefined): number {
  return item ? Math.max(1, Math.ceil(itemBytes(item) / 1024)) : 0;
}

/**
 * An item's size by DynamoDB's rules: attribute names plus values; a number about one byte per two
 * digits plus one; a map or list three bytes plus one per element; null and booleans one byte.
 */
function itemBytes(item: Item): number {
  return Object.entries(item).reduce(
    (sum, [name, value]) => (value === undefined ? sum : sum + Buffer.byteLength(name) + valueBytes(value)),
    0,
  );
}

function valueBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return Math.ceil(String(Math.abs(value)).replace(/\D/g, '').length / 2) + 1;
  if (value === null || typeof value === 'boolean') return 1;
  if (Array.isArray(value)) return 3 + value.reduce<number>((sum, v) => sum + 1 + valueBytes(v), 0);
  if (typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return 3 + entries.reduce((sum, [name, v]) => sum + 1 + Buffer.byteLength(name) + valueBytes(v), 0);
  }
  return 0;
}

function canonical(item: Item | undefined): string {
  return JSON.stringify(item ?? null, (_, value) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)))
      : value,
  );
}

function byteLength(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}

// ── Logs: what CloudWatch ingests per invocation ───────────────────────────────────────────────
/**
 * A Logger port on a real Powertools logger at INFO, with the Lambda context keys that
 * `injectLambdaContext` adds, whose every line is counted (bytes and events) instead of printed.
 */
function createCountingLogger(fn: FunctionName, recorder: Recorder): Logger {
  const powertools = new PowertoolsLogger({ serviceName: METRICS_SERVICE, logLevel: 'INFO' });
  powertools.addContext(fakeLambdaContext(fn));
  // In Lambda the logger reads the trace id from _X_AMZN_TRACE_ID; a key of the same name and length stands in.
  powertools.appendKeys({ xray_trace_id: '1-6746a0c2-5f1e0c3b8d9a4e7f2b6c1d0e' });
  const capture =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, ...extra: Record<string, unknown>[]) => {
      const bytes = captureOutput(() => powertools[level](message, ...extra));
      const invocation = recorder.active;
      if (invocation && bytes > 0) {
        invocation.logBytes += bytes;
        invocation.logLines += 1;
      }
    };
  return { debug: capture('debug'), info: capture('info'), warn: capture('warn'), error: capture('error') };
}

/** Runs `print` with stdout and stderr diverted; returns how many bytes it wrote. */
function captureOutput(print: () => void): number {
  let bytes = 0;
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array) => {
      bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
      return true;
    }) as typeof stream.write;
  }
  try {
    print();
  } finally {
    streams.forEach((stream, i) => {
      stream.write = originals[i] as typeof stream.write;
    });
  }
  return bytes;
}

function fakeLambdaContext(fn: FunctionName): Context {
  const functionName = `Parley-${fn[0]?.toUpperCase()}${fn.slice(1)}Function3F1A2B4C-xYz0AbCdEf12`;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${PRICES.region}:123456789012:function:${functionName}`,
    memoryLimitInMB: String(FUNCTION_DEFAULTS[fn].memorySize),
    awsRequestId: '8f5c1a9e-3b7d-4c2e-9a61-2f0d5b8e7c34',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/27/[$LATEST]0123456789abcdef0123456789abcdef',
    getRemainingTimeInMillis: () => FUNCTION_DEFAULTS[fn].timeout.toMilliseconds(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Lambda's own START, END and REPORT lines (with the X-Ray line active tracing adds), one set per invocation. */
function platformLogEvents(fn: FunctionName): string[] {
  const id = '8f5c1a9e-3b7d-4c2e-9a61-2f0d5b8e7c34';
  return [
    `START RequestId: ${id} Version: $LATEST\n`,
    `END RequestId: ${id}\n`,
    `REPORT RequestId: ${id}\tDuration: 2012.34 ms\tBilled Duration: 2013 ms\tMemory Size: ` +
      `${FUNCTION_DEFAULTS[fn].memorySize} MB\tMax Memory Used: 112 MB\t\n` +
      'XRAY TraceId: 1-6746a0c2-5f1e0c3b8d9a4e7f2b6c1d0e\tSegmentId: 3c9a2e1f0b8d7a6e\tSampled: true\t\n',
  ];
}

/** The API's access log line (the fields of ACCESS_LOG_FORMAT in infra/constructs/api.ts, filled in). */
function accessLogEvent(): string {
  return `${JSON.stringify({
    requestId: 'Bv9kPgRYIAMEVxw=',
    requestTime: '27/Nov/2026:10:00:00 +0000',
    ip: '203.0.113.42',
    routeKey: 'POST /v2/messages',
    path: '/v2/messages',
    status: '202',
    responseLength: '94',
    responseLatency: '61',
    integrationLatency: '58',
    integrationError: '-',
    error: '-',
  })}\n`;
}

/** The EMF document Powertools Metrics prints at the end of an invocation that counted `metric` `count` times. */
function emfBytes(metric: string, count: number): number {
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });
  metrics.addMetric(metric, MetricUnit.Count, count);
  const bytes = Buffer.byteLength(`${JSON.stringify(metrics.serializeMetrics())}\n`);
  metrics.clearMetrics();
  return bytes;
}

// ── The environment ────────────────────────────────────────────────────────────────────────────
interface Environment {
  recorder: Recorder;
  deps: Record<FunctionKey | 'sweeper', Deps>;
  /** The harness's own SQS client: it plays the event source mappings, whose calls are modelled, not counted. */
  harnessSqs: SQSClient;
  queues: { generation: string; delivery: string };
  snapshots: DynamoDBDocumentClient;
  tableName: string;
  receiver: WebhookReceiver;
  prompts: { chars: number[] };
}

async function startEnvironment(cleanups: Array<() => Promise<unknown>>): Promise<Environment> {
  const dynalite: RunningDynalite = await startDynalite();
  cleanups.push(() => dynalite.stop());
  const sqs: TestSqs = await startTestSqs();
  cleanups.push(() => sqs.stop());
  const receiver = await startWebhookReceiver();
  cleanups.push(() => receiver.stop());

  const tableName = await createTestTable(dynalite.client);
  const queues = await createLocalQueues(sqs.client, {
    generation: uniqueQueueName('bench-generation', true),
    delivery: uniqueQueueName('bench-delivery'),
    ingestion: uniqueQueueName('bench-ingestion'),
  });
  // The AIs have no knowledge bases, so nothing is read from or written to it.
  const documentsDir = await mkdtemp(join(tmpdir(), 'parley-bench-documents-'));
  cleanups.push(() => rm(documentsDir, { recursive: true, force: true }));
  const local = { region: PRICES.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const recorder = new Recorder();
  const dynamo = new DynamoDBClient({ ...local, endpoint: dynalite.endpoint });
  const sqsClient = new SQSClient({ ...local, endpoint: sqs.endpoint });
  const eventBridge = new EventBridgeClient(local);
  cleanups.push(async () => {
    for (const client of [dynamo, sqsClient, eventBridge]) client.destroy();
  });
  const snapshots = createDocumentClient(dynalite.client);
  instrumentDynamoDb(dynamo, recorder, snapshots);
  instrumentSqs(sqsClient, recorder);
  instrumentEventBridge(eventBridge, recorder);

  const prompts = { chars: [] as number[] };
  const common: Omit<Deps, 'logger'> = {
    ...createDynamoStores({ tableName, client: createDocumentClient(dynamo) }),
    generationQueue: new SqsGenerationQueue({ queueUrl: queues.generationQueueUrl, client: sqsClient }),
    deliveryQueue: new SqsDeliveryQueue({ queueUrl: queues.deliveryQueueUrl, client: sqsClient }),
    ingestionQueue: new SqsIngestionQueue({ queueUrl: queues.ingestionQueueUrl, client: sqsClient }),
    // The cost model runs no evaluations.
    evaluationQueue: new SqsEvaluationQueue({ queueUrl: undefined, client: sqsClient }),
    blobs: new FileBlobStore({ dir: documentsDir }),
    knowledgeIndex: new KnowledgeIndexCache(),
    // Creating and deleting schedules costs nothing; a timer that fires is priced with the follow-up
    // it sends, not with the answer that armed it, so the answers here arm timers into the void.
    timers: { schedule: async () => {}, cancel: async () => {} },
    chatModel: recordPrompts(new OfflineChatModel(), recorder, prompts),
    webhookSender: timeStandIn(new FetchWebhookSender({ policy: 'local' }), recorder),
    events: new EventBridgePublisher({ eventBusName: 'parley-bench', client: eventBridge }),
    clock: systemClock,
    ids: createUlidIds(),
    // The receiver listens on loopback, which only the local policy allows.
    webhookTargets: 'local',
    allowHttpWebhooks: true,
  };
  const deps = {
    api: { ...common, logger: createCountingLogger('api', recorder) },
    generator: { ...common, logger: createCountingLogger('generator', recorder) },
    delivery: { ...common, logger: createCountingLogger('delivery', recorder) },
    sweeper: { ...common, logger: createCountingLogger('sweeper', recorder) },
  };
  return {
    recorder,
    deps,
    harnessSqs: sqs.client,
    queues: { generation: queues.generationQueueUrl, delivery: queues.deliveryQueueUrl },
    snapshots,
    tableName,
    receiver,
    prompts,
  };
}

/** The offline model, timed as a stand-in, with the size of the prompt OpenAI would have been sent. */
function recordPrompts(model: ChatModel, recorder: Recorder, prompts: { chars: number[] }): ChatModel {
  return {
    generateReply(request: ReplyRequest) {
      prompts.chars.push(buildChatMessages(request).reduce((sum, m) => sum + m.content.length, 0));
      return recorder.timed('standInMs', () => model.generateReply(request));
    },
  };
}

function timeStandIn(sender: WebhookSender, recorder: Recorder): WebhookSender {
  return { send: (request) => recorder.timed('standInMs', () => sender.send(request)) };
}

// ── The scenario ───────────────────────────────────────────────────────────────────────────────
interface PlannedMessage {
  conversationId: string;
  conversationIndex: number;
  turn: number;
  text: string;
}

interface ScenarioResult {
  recorder: Recorder;
  prompts: { chars: number[] };
  sent: number;
  answered: number;
  escalations: number;
  webhooks: number;
  storedBytes: number;
  problems: string[];
}

/**
 * Conversations take turns, as real ones interleave; each message goes through the whole pipeline
 * (accepted, answered, delivered) before its conversation's next one, as a back-and-forth would.
 */
function planMessages(): PlannedMessage[] {
  const { conversations, messagesPerConversation, humanRequestEvery } = SETTINGS;
  const groupSize = conversations / messagesPerConversation.length;
  const counts = Array.from(
    { length: conversations },
    (_, i) => messagesPerConversation[Math.floor(i / groupSize)] ?? 1,
  );
  const plan: PlannedMessage[] = [];
  for (let turn = 0; turn < Math.max(...counts); turn++) {
    counts.forEach((count, conversationIndex) => {
      if (turn >= count) return;
      const n = plan.length + 1;
      const text =
        n % humanRequestEvery === 0
          ? (HUMAN_REQUESTS[(n / humanRequestEvery) % HUMAN_REQUESTS.length] ?? '')
          : (PROSPECT_MESSAGES[(conversationIndex * 3 + turn) % PROSPECT_MESSAGES.length] ?? '');
      plan.push({ conversationId: `prospect-${conversationIndex}@example.com`, conversationIndex, turn, text });
    });
  }
  return plan;
}

async function runScenario(cleanups: Array<() => Promise<unknown>>, stop: AbortSignal): Promise<ScenarioResult> {
  const env = await startEnvironment(cleanups);
  const { apiKey, aiId } = await givenTenantAndAi(env);
  const handleHttp = createHttpHandler(routes);
  const plan = planMessages();
  const deadline = Date.now() + SCENARIO_DEADLINE_MS;
  const problems: string[] = [];
  const tally = { sent: 0, answered: 0, escalations: 0 };
  process.stdout.write(`  running ${plan.length} messages over ${SETTINGS.conversations} conversations…\n`);
  for (const message of plan) {
    if (stop.aborted) throw new Error('the scenario was stopped');
    if (Date.now() > deadline) {
      problems.push(`${plan.length - tally.sent} messages not sent before the deadline`);
      break;
    }
    tally.sent += 1;
    const event = messageEvent(message, apiKey, aiId);
    const { result } = await env.recorder.run('api', () => handleHttp(env.deps.api, event));
    if (result.statusCode !== 202) {
      problems.push(`message ${tally.sent}: POST /v2/messages answered ${result.statusCode} ${result.body}`);
      continue;
    }
    const outcome = await answerAndDeliver(env, problems);
    if (outcome.answered) tally.answered += 1;
    tally.escalations += outcome.escalated ? 1 : 0;
  }
  await sweepOnce(env);
  const webhooks = await settleWebhooks(env.receiver, tally.answered + tally.escalations);
  if (webhooks.answers !== tally.answered) {
    problems.push(`${tally.answered} answers delivered but ${webhooks.answers} answer webhooks received`);
  }
  if (webhooks.duplicates > 0) problems.push(`${webhooks.duplicates} duplicate webhooks`);
  if (tally.answered < tally.sent) problems.push(`${tally.sent - tally.answered} messages not answered`);
  const table = await measureTable(env.snapshots, env.tableName);
  if (table.pending > 0) problems.push(`${table.pending} messages or deliveries still pending at the end`);
  const { recorder, prompts } = env;
  return { recorder, prompts, ...tally, webhooks: webhooks.total, storedBytes: table.storedBytes, problems };
}

async function givenTenantAndAi(env: Environment): Promise<{ apiKey: string; aiId: string }> {
  const deps = env.deps.api;
  const apiKey = 'prly_bench_cost_model_0123456789abcdef';
  const tenantId = await ensureTenantForKey(deps, { apiKey, tenantName: 'Acme Booking' });
  const { ai } = await createAi(deps, {
    tenantId,
    aiId: deps.ids.newId('ai'),
    settings: {
      type: 'sales',
      name: 'Ada',
      instructions: AI_INSTRUCTIONS,
      webhooks: { answerUrl: env.receiver.url, emergencyUrl: `${env.receiver.origin}/emergency` },
      outputFormat: 'text',
      replyDelaySeconds: 0,
    },
  });
  return { apiKey, aiId: ai.id };
}

/** What a Zap or CRM sends: the whole contact and channel on every message, with an Idempotency-Key. */
function messageEvent(message: PlannedMessage, apiKey: string, aiId: string): APIGatewayProxyEventV2 {
  const i = message.conversationIndex;
  const body = JSON.stringify({
    ai_id: aiId,
    conversation_id: message.conversationId,
    message: message.text,
    contact: { first_name: FIRST_NAMES[i % FIRST_NAMES.length], email: message.conversationId },
    channel: CHANNELS[i % CHANNELS.length],
  });
  return {
    version: '2.0',
    routeKey: 'POST /v2/messages',
    rawPath: '/v2/messages',
    rawQueryString: '',
    headers: {
      authorization: `Bearer ${apiKey}`,
      'content-type': 'application/json',
      'idempotency-key': `${message.conversationId}-${message.turn}`,
    },
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'bench',
      domainName: 'bench.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'bench',
      http: {
        method: 'POST',
        path: '/v2/messages',
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.42',
        userAgent: 'bench',
      },
      requestId: `bench-${message.conversationIndex}-${message.turn}`,
      routeKey: 'POST /v2/messages',
      stage: '$default',
      time: '27/Nov/2026:10:00:00 +0000',
      timeEpoch: Date.now(),
    },
  };
}

/** Plays the two event source mappings for one accepted message: its generation record, then its deliveries. */
async function answerAndDeliver(
  env: Environment,
  problems: string[],
): Promise<{ answered: boolean; escalated: boolean }> {
  const [record] = await receive(env.harnessSqs, env.queues.generation, 1);
  if (!record?.Body) {
    problems.push('a generation record never arrived');
    return { answered: false, escalated: false };
  }
  const job = generationJobFromRecord({ body: record.Body, messageId: record.MessageId ?? 'unknown' });
  const attempt = Number(record.Attributes?.ApproximateReceiveCount) || 1;
  const { result: outcome, invocation } = await env.recorder.run('generator', () =>
    generateReply(env.deps.generator, { ...job, attempt }),
  );
  await acknowledge(env.harnessSqs, env.queues.generation, record);
  if (outcome !== 'answered') problems.push(`a generation record ended ${outcome}`);
  // The generator's own sends say how many delivery records to wait for.
  const expected = invocation.calls.get('SQS SendMessage (standard)') ?? 0;
  const records = await receive(env.harnessSqs, env.queues.delivery, expected);
  if (records.length < expected) problems.push(`${expected - records.length} delivery records never arrived`);
  for (const delivery of records) {
    const deliveryJob = deliveryJobFromRecord({
      body: delivery.Body ?? '',
      messageId: delivery.MessageId ?? 'unknown',
    });
    const { result } = await env.recorder.run('delivery', () => deliverWebhook(env.deps.delivery, deliveryJob));
    if (result !== 'succeeded') problems.push(`a delivery ended ${result}`);
    await acknowledge(env.harnessSqs, env.queues.delivery, delivery);
  }
  return { answered: outcome === 'answered', escalated: expected > 1 };
}

/** Receives until `count` records are in hand or RECEIVE_TIMEOUT_MS has passed. */
async function receive(client: SQSClient, queueUrl: string, count: number): Promise<SqsMessage[]> {
  const records: SqsMessage[] = [];
  const until = Date.now() + RECEIVE_TIMEOUT_MS;
  while (records.length < count && Date.now() < until) {
    const output = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, count - records.length),
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    records.push(...(output.Messages ?? []));
  }
  return records;
}

async function acknowledge(client: SQSClient, queueUrl: string, record: SqsMessage): Promise<void> {
  await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: record.ReceiptHandle }));
}

/** One run of the recovery sweep over the finished table: what every scheduled run costs when nothing is stuck. */
async function sweepOnce(env: Environment): Promise<void> {
  const olderThan = staleCutoffs(new Date(), SWEEP_STALE_AFTER_SECONDS);
  await env.recorder.run('sweeper', () => recoverPending(env.deps.sweeper, { olderThan, limit: SWEEPER_BATCH }));
}

async function settleWebhooks(
  receiver: WebhookReceiver,
  expected: number,
): Promise<{ total: number; answers: number; duplicates: number }> {
  await receiver.waitFor(expected, 2_000).catch(() => undefined);
  const ids = receiver.received.map((w) => w.headers['webhook-id']);
  const answers = receiver.received.filter(
    (w) => (w.json as { type?: string } | undefined)?.type === 'message.answered',
  );
  return { total: receiver.received.length, answers: answers.length, duplicates: ids.length - new Set(ids).size };
}

/**
 * What stays in the table for the long run: every item but the Idempotency-Key records (their TTL
 * removes them within a day), with the 100 bytes DynamoDB adds per item, in the table and in gsi1.
 * Also counts what is still waiting in the pending index, which should be nothing by now.
 */
async function measureTable(
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<{ storedBytes: number; pending: number }> {
  const totals = { storedBytes: 0, pending: 0 };
  let startKey: Item | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey }));
    for (const item of page.Items ?? []) {
      if (String(item[TABLE_KEYS.sortKey]).startsWith('IDEM#')) continue;
      const copies = isIndexed(item) ? 2 : 1;
      totals.storedBytes += copies * (itemBytes(item) + 100);
      if (String(item[TABLE_KEYS.gsi1.partitionKey]).startsWith('PENDING#')) totals.pending += 1;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return totals;
}

// ── From measurements to dollars ───────────────────────────────────────────────────────────────
function buildReport(run: ScenarioResult, loadBefore: number): CostModelReport {
  const answered = Math.max(1, run.answered);
  const byCase = (useCase: UseCase) => run.recorder.invocations.filter((i) => i.useCase === useCase);
  const pipeline = run.recorder.invocations.filter((i) => i.useCase !== 'sweeper');
  const perMessage = (sum: (i: Invocation) => number) => pipeline.reduce((s, i) => s + sum(i), 0) / answered;
  const functions = {
    api: functionFigures('api', byCase('api'), 0),
    generator: functionFigures('generator', byCase('generator'), ASSUMPTIONS.modelWaitMs),
    delivery: functionFigures('delivery', byCase('delivery'), ASSUMPTIONS.webhookWaitMs),
  };
  const deliveriesPerMessage = functions.delivery.invocations / answered;
  const promptChars = mean(run.prompts.chars);
  const schemaTokens = Math.ceil(JSON.stringify(buildReplyJsonSchema()).length / ASSUMPTIONS.charsPerToken);
  const measured: CostModelReport['measured'] = {
    messages: run.sent,
    answered: run.answered,
    escalations: run.escalations,
    webhooks: run.webhooks,
    callsPerMessage: callsPerMessage(pipeline, answered),
    functions,
    dynamoDb: {
      writeUnitsPerMessage: {
        table: round2(perMessage((i) => i.writeUnits.table)),
        index: round2(perMessage((i) => i.writeUnits.index)),
        refusedConditionalWrites: round2(perMessage((i) => i.writeUnits.refused)),
      },
      dynaliteTableWriteUnitsPerMessage: round2(perMessage((i) => i.dynaliteTableWriteUnits)),
      readUnitsPerMessage: round2(perMessage((i) => i.readUnits)),
      storedBytesPerMessage: Math.round(run.storedBytes / answered),
    },
    eventBridgeEventsPerMessage: round2(perMessage((i) => i.events)),
    logBytesPerMessage: logBytesPerMessage(pipeline, answered, deliveriesPerMessage),
    tokens: {
      promptCharsPerMessage: Math.round(promptChars),
      schemaTokens,
      inputPerMessage: Math.round(promptChars / ASSUMPTIONS.charsPerToken + schemaTokens),
      outputPerMessage: ASSUMPTIONS.outputTokensPerAnswer,
    },
    sweeper: sweeperFigures(byCase('sweeper')),
  };
  const costs = costLines(measured, deliveriesPerMessage);
  const sum = (lines: CostLine[]) => lines.reduce((s, l) => s + l.usdPerThousand, 0);
  const infrastructure = sum(costs.filter((l) => l.kind === 'infrastructure'));
  const waits = sum(costs.filter((l) => l.wait));
  const model = sum(costs.filter((l) => l.kind === 'model'));
  return {
    benchmark: 'cost-model',
    date: new Date().toISOString(),
    machine: describeMachine(loadBefore),
    prices: PRICES,
    assumptions: ASSUMPTIONS,
    settings: SETTINGS,
    measured,
    costs,
    totals: {
      infrastructureUsdPerThousand: round6(infrastructure),
      modelUsdPerThousand: round6(model),
      totalUsdPerThousand: round6(infrastructure + model),
      infrastructureWithoutWaitsUsdPerThousand: round6(infrastructure - waits),
      aimMet: infrastructure < SETTINGS.aim.infrastructureUsdPerThousand,
    },
    storageUsdPerThousandPerMonth: round6(
      ((measured.dynamoDb.storedBytesPerMessage * 1000) / BYTES_PER_GB) *
        (PRICES.dynamoDbStoragePerGbMonth + PRICES.dynamoDbPitrPerGbMonth),
    ),
    fixedMonthly: fixedMonthlyCosts(measured.sweeper),
    problems: run.problems,
  };
}

function functionFigures(fn: FunctionKey, invocations: Invocation[], waitMs: number): FunctionFigures {
  const inProcess = invocations.map((i) => Math.max(0, i.wallMs - i.wireMs - i.asideMs - i.standInMs));
  const calls = mean(invocations.map(awsCalls));
  const median = percentile(inProcess, 50, 0);
  return {
    invocations: invocations.length,
    inProcessMsMedian: round2(median),
    inProcessMsP95: round2(percentile(inProcess, 95, 0)),
    awsCallsPerInvocation: round2(calls),
    callsPerInvocation: callsPerMessage(invocations, Math.max(1, invocations.length)),
    modelledDurationMs: Math.ceil(median + calls * ASSUMPTIONS.awsCallMs + waitMs),
    memoryMb: FUNCTION_DEFAULTS[fn].memorySize,
  };
}

function awsCalls(invocation: Invocation): number {
  return [...invocation.calls.values()].reduce((sum, n) => sum + n, 0);
}

/** Calls by label over all `invocations`, divided by `per` (answered messages, or the invocations themselves). */
function callsPerMessage(invocations: Invocation[], per: number): Record<string, number> {
  const totals = new Map<string, number>();
  for (const invocation of invocations) {
    for (const [label, n] of invocation.calls) totals.set(label, (totals.get(label) ?? 0) + n);
  }
  return Object.fromEntries([...totals].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => [k, round2(n / per)]));
}

/** Log bytes CloudWatch ingests per answered message, by source, with the per-event overhead. */
function logBytesPerMessage(invocations: Invocation[], answered: number, deliveries: number): Record<string, number> {
  const overhead = ASSUMPTIONS.logEventOverheadBytes;
  const events = (lines: string[]) => lines.reduce((sum, line) => sum + Buffer.byteLength(line) + overhead, 0);
  const appLogs = invocations.reduce((sum, i) => sum + i.logBytes + i.logLines * overhead, 0) / answered;
  const deliveryBatches = deliveries / ASSUMPTIONS.deliveryRecordsPerBatch;
  const generationBatches = 1 / ASSUMPTIONS.generationRecordsPerBatch;
  const platform =
    events(platformLogEvents('api')) +
    generationBatches * events(platformLogEvents('generator')) +
    deliveryBatches * events(platformLogEvents('delivery'));
  const emf =
    generationBatches * (emfBytes(METRIC.repliesGenerated, ASSUMPTIONS.generationRecordsPerBatch) + overhead) +
    deliveryBatches * (emfBytes(METRIC.deliveriesSucceeded, ASSUMPTIONS.deliveryRecordsPerBatch) + overhead);
  const access = events([accessLogEvent()]);
  const parts = { application: appLogs, lambdaPlatform: platform, metricsEmf: emf, apiAccessLog: access };
  const total = Object.values(parts).reduce((sum, n) => sum + n, 0);
  return Object.fromEntries(Object.entries({ ...parts, total }).map(([k, v]) => [k, Math.round(v)]));
}

/**
 * The sweep's four queries run in parallel, so their summed wire time can exceed its wall time and
 * the in-process figure bottoms out at 0; immaterial next to its calls × awsCallMs, and to $0.01 a month.
 */
function sweeperFigures(invocations: Invocation[]): CostModelReport['measured']['sweeper'] {
  const run = invocations[0];
  if (!run) return { awsCalls: 0, readUnits: 0, inProcessMs: 0 };
  return {
    awsCalls: awsCalls(run),
    readUnits: run.readUnits,
    inProcessMs: round2(Math.max(0, run.wallMs - run.wireMs - run.asideMs - run.standInMs)),
  };
}

interface Price {
  label: string;
  usdPerUnit: number;
}

const perMillion = (usd: number): Price => ({ label: `$${usd} / 1M`, usdPerUnit: usd / 1e6 });

/** A maker of cost lines for one service, unit and price: each line then needs only what it is and how much. */
function costOf(service: string, unit: string, price: Price, kind: CostLine['kind'] = 'infrastructure') {
  return (item: string, perMessage: number, basis: CostLine['basis']): CostLine => ({
    kind,
    service,
    item,
    perMessage: Number(perMessage.toPrecision(4)),
    unit,
    unitPrice: price.label,
    basis,
    usdPerThousand: round6(perMessage * price.usdPerUnit * 1000),
  });
}

/** Every per-message cost: measured quantities (or assumed ones, marked so) times the price table. */
function costLines(m: CostModelReport['measured'], deliveriesPerMessage: number): CostLine[] {
  const { functions: f, dynamoDb: db } = m;
  const p = PRICES;
  const a = ASSUMPTIONS;
  const generationBatches = 1 / a.generationRecordsPerBatch;
  const deliveryBatches = deliveriesPerMessage / a.deliveryRecordsPerBatch;
  const generations = f.generator.invocations / m.answered;
  const gb = (fn: FunctionKey, ms: number, runs: number) =>
    (FUNCTION_DEFAULTS[fn].memorySize / 1024) * (ms / 1000) * runs;
  const ownMs = (fig: FunctionFigures, waitMs: number) => fig.modelledDurationMs - waitMs;
  const calls = (label: string) => m.callsPerMessage[label] ?? 0;
  const requests = costOf('Lambda', 'invocations', perMillion(p.lambdaPerMillionRequests));
  const duration = costOf('Lambda', 'GB-s', {
    label: `$${p.lambdaArm64PerGbSecond} / GB-s`,
    usdPerUnit: p.lambdaArm64PerGbSecond,
  });
  const waiting = (item: string, gbSeconds: number): CostLine => ({
    ...duration(item, gbSeconds, 'assumed'),
    wait: true,
  });
  const fifo = costOf('SQS', 'requests', perMillion(p.sqsFifoPerMillionRequests));
  const standard = costOf('SQS', 'requests', perMillion(p.sqsStandardPerMillionRequests));
  const writes = costOf('DynamoDB', 'WRU', perMillion(p.dynamoDbPerMillionWriteUnits));
  const model = (unit: string, usd: number) => costOf('OpenAI gpt-4o-mini', unit, perMillion(usd), 'model');
  const batches = `api 1, generator 1 per ${a.generationRecordsPerBatch}, delivery 1 per ${a.deliveryRecordsPerBatch} records`;
  return [
    requests(`requests (${batches})`, 1 + generationBatches + deliveryBatches, 'measured + assumed'),
    duration(`api, own work (${f.api.memoryMb} MB)`, gb('api', f.api.modelledDurationMs, 1), 'measured + assumed'),
    duration(
      `generator, own work (${f.generator.memoryMb} MB)`,
      gb('generator', ownMs(f.generator, a.modelWaitMs), generations),
      'measured + assumed',
    ),
    waiting(`generator waiting on the model (${a.modelWaitMs} ms)`, gb('generator', a.modelWaitMs, generations)),
    duration(
      `delivery, own work (${f.delivery.memoryMb} MB)`,
      gb('delivery', ownMs(f.delivery, a.webhookWaitMs), deliveriesPerMessage),
      'measured + assumed',
    ),
    waiting(
      `delivery waiting on the receiver (${a.webhookWaitMs} ms)`,
      gb('delivery', a.webhookWaitMs, deliveriesPerMessage),
    ),
    costOf('API Gateway', 'requests', perMillion(p.httpApiPerMillionRequests))(
      'HTTP API requests',
      f.api.invocations / m.answered,
      'measured',
    ),
    fifo('FIFO SendMessage (api)', calls('SQS SendMessage (FIFO)'), 'measured'),
    fifo('FIFO receive + delete (event source)', 2 * generationBatches, 'assumed'),
    standard('standard SendMessage (generator)', calls('SQS SendMessage (standard)'), 'measured'),
    standard('standard receive + delete (event source)', 2 * deliveryBatches, 'assumed'),
    writes(
      'write units, table (with refused conditional writes)',
      db.writeUnitsPerMessage.table + db.writeUnitsPerMessage.refusedConditionalWrites,
      'measured',
    ),
    writes('write units, gsi1 (keys and projected attributes)', db.writeUnitsPerMessage.index, 'measured'),
    costOf('DynamoDB', 'RRU', perMillion(p.dynamoDbPerMillionReadUnits))(
      'read units',
      db.readUnitsPerMessage,
      'measured',
    ),
    costOf('EventBridge', 'events', perMillion(p.eventBridgePerMillionCustomEvents))(
      'custom events (PutEvents entries)',
      m.eventBridgeEventsPerMessage,
      'measured',
    ),
    costOf('CloudWatch Logs', 'GB', { label: `$${p.logsIngestionPerGb} / GB`, usdPerUnit: p.logsIngestionPerGb })(
      'ingestion (app, platform, EMF, access log)',
      (m.logBytesPerMessage.total ?? 0) / BYTES_PER_GB,
      'measured + assumed',
    ),
    costOf('X-Ray', 'traces', perMillion(p.xRayPerMillionTracesRecorded))(
      'traces recorded',
      a.xRayTracesPerMessage,
      'assumed',
    ),
    model('tokens', p.gpt4oMiniPerMillionInputTokens)(
      `input tokens (prompt chars / ${a.charsPerToken} + schema)`,
      m.tokens.inputPerMessage,
      'measured + assumed',
    ),
    model('tokens', p.gpt4oMiniPerMillionOutputTokens)('output tokens', m.tokens.outputPerMessage, 'assumed'),
  ];
}

/** The metrics every answered message records; the others (retries, failures) only show in a bad month. */
const METRICS_WITH_DATA = [METRIC.repliesGenerated, METRIC.deliveriesSucceeded];

/** Costs that do not grow with messages: what the stack holds, and the scheduled sweep with nothing to do. */
function fixedMonthlyCosts(sweeper: CostModelReport['measured']['sweeper']): FixedCost[] {
  const p = PRICES;
  const a = ASSUMPTIONS;
  const sweepsPerMonth = (a.hoursPerMonth * 60) / SWEEP_INTERVAL.toMinutes();
  const sweepMs = Math.ceil(sweeper.inProcessMs + sweeper.awsCalls * a.awsCallMs);
  const sweepLogBytes = platformLogEvents('sweeper').reduce(
    (s, l) => s + Buffer.byteLength(l) + a.logEventOverheadBytes,
    0,
  );
  const sweep =
    sweepsPerMonth *
    (p.lambdaPerMillionRequests / 1e6 +
      (FUNCTION_DEFAULTS.sweeper.memorySize / 1024) * (sweepMs / 1000) * p.lambdaArm64PerGbSecond +
      sweeper.readUnits * (p.dynamoDbPerMillionReadUnits / 1e6) +
      (sweepLogBytes / BYTES_PER_GB) * p.logsIngestionPerGb);
  const idleReceives = a.idlePollersPerQueue * (60 / 20) * 60 * a.hoursPerMonth;
  // As infra/constructs/observability.ts makes them: one per DLQ (generation, delivery, ingestion,
  // timer), failed deliveries, generator errors, and throttles of every function.
  const alarms = 4 + 2 + Object.keys(FUNCTION_ENTRIES).length;
  const metrics = Object.keys(METRIC).length;
  return [
    {
      item: 'Secrets Manager: the OpenAI key',
      usdPerMonth: p.secretPerMonth,
      note: 'plus $0.05 per 10,000 reads (one per generator cold start)',
    },
    {
      item: `CloudWatch alarms (${alarms})`,
      usdPerMonth: round2(alarms * p.alarmPerMonth),
      note: 'the first 10 alarms of an account are free',
    },
    {
      item: 'CloudWatch dashboard (1)',
      usdPerMonth: p.dashboardPerMonth,
      note: 'free if the account has 3 dashboards or fewer',
    },
    {
      item: `CloudWatch custom metrics (${METRICS_WITH_DATA.length} of ${metrics})`,
      usdPerMonth: round2(METRICS_WITH_DATA.length * p.customMetricPerMonth),
      note: `billed per metric with data in the month: ${METRICS_WITH_DATA.join(' and ')} every month, up to all ${metrics} ($${(metrics * p.customMetricPerMonth).toFixed(2)}); first 10 free`,
    },
    {
      item: `Recovery sweep (${Math.round(sweepsPerMonth)} runs, ${sweeper.awsCalls} queries each)`,
      usdPerMonth: round4(sweep),
      note: `every ${SWEEP_INTERVAL.toMinutes()} minutes, measured with nothing pending`,
    },
    {
      item: 'SQS long polling of three idle queues (generation, delivery, ingestion)',
      usdPerMonth: round2(idleReceives * ((p.sqsFifoPerMillionRequests + 2 * p.sqsStandardPerMillionRequests) / 1e6)),
      note: `≈ ${Math.round(idleReceives / 1000)}k empty receives per queue (${a.idlePollersPerQueue} pollers × one 20 s poll); an estimate`,
    },
  ];
}

// ── Printing ───────────────────────────────────────────────────────────────────────────────────
function formatReport(r: CostModelReport): string {
  const { measured: m, totals: t, assumptions: a } = r;
  const usd = (n: number) => `$${n.toFixed(5)}`;
  const costRows = r.costs.map((c) => [
    c.service,
    c.item,
    `${formatQuantity(c.perMessage)} ${c.unit}`,
    c.unitPrice,
    c.basis,
    usd(c.usdPerThousand),
  ]);
  const callRows = Object.entries(m.callsPerMessage).map(([label, n]) => [label, n.toFixed(2)]);
  const fnRows = (Object.entries(m.functions) as [FunctionKey, FunctionFigures][]).map(([name, f]) => [
    name,
    String(f.invocations),
    `${f.inProcessMsMedian} ms`,
    `${f.inProcessMsP95} ms`,
    f.awsCallsPerInvocation.toFixed(2),
    `${f.modelledDurationMs} ms`,
    `${f.memoryMb} MB`,
  ]);
  const breakdown = (Object.entries(m.functions) as [FunctionKey, FunctionFigures][])
    .map(
      ([name, f]) =>
        `  ${name}: ${Object.entries(f.callsPerInvocation)
          .map(([label, n]) => `${label} ${n}`)
          .join(', ')}\n`,
    )
    .join('');
  const fixedRows = r.fixedMonthly.map((f) => [f.item, `$${f.usdPerMonth.toFixed(2)}`, f.note]);
  const problems = r.problems.map((p) => `  PROBLEM: ${p}\n`).join('');
  return [
    `\nCost per 1,000 answered messages, modelled from ${m.answered} answered of ${m.messages} messages ` +
      `(${SETTINGS.conversations} conversations, ${m.escalations} escalated, ${m.webhooks} webhooks); ` +
      `prices ${r.prices.region} as of ${r.prices.asOf}\n`,
    `\n  AWS calls per answered message (counted)\n${formatTable([['call', 'per message'], ...callRows])}`,
    `\n  functions (in-process = without waits on AWS, model, webhook; duration = in-process + calls × ${a.awsCallMs} ms + wait)\n` +
      formatTable([['function', 'runs', 'in-process p50', 'p95', 'AWS calls', 'duration', 'memory'], ...fnRows]) +
      `\n  AWS calls per invocation\n${breakdown}`,
    `\n  DynamoDB per message: ${m.dynamoDb.writeUnitsPerMessage.table} WRU table + ${m.dynamoDb.writeUnitsPerMessage.index} WRU gsi1 + ` +
      `${m.dynamoDb.writeUnitsPerMessage.refusedConditionalWrites} WRU refused conditional writes ` +
      `(dynalite alone reports ${m.dynamoDb.dynaliteTableWriteUnitsPerMessage}), ${m.dynamoDb.readUnitsPerMessage} RRU, ` +
      `${m.dynamoDb.storedBytesPerMessage} B stored\n`,
    `  tokens per message: ${m.tokens.inputPerMessage} in (${m.tokens.promptCharsPerMessage} prompt chars / ${a.charsPerToken} + ` +
      `${m.tokens.schemaTokens} schema), ${m.tokens.outputPerMessage} out (assumed)\n`,
    `  log bytes per message: ${Object.entries(m.logBytesPerMessage)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}\n`,
    `\n${formatTable([['service', 'what', 'per message', 'unit price', 'basis', 'per 1,000'], ...costRows])}`,
    `\n  infrastructure ${usd(t.infrastructureUsdPerThousand)} per 1,000 ` +
      `(aim < $${SETTINGS.aim.infrastructureUsdPerThousand}: ${t.aimMet ? 'met' : 'missed'}; ` +
      `${usd(t.infrastructureWithoutWaitsUsdPerThousand)} without the model and webhook waits)\n` +
      `  model ${usd(t.modelUsdPerThousand)} per 1,000; total ${usd(t.totalUsdPerThousand)} per 1,000\n` +
      `  storage: ${usd(r.storageUsdPerThousandPerMonth)} per month for every 1,000 messages kept (table + PITR)\n`,
    `\n  fixed monthly costs\n${formatTable([['item', 'per month', 'note'], ...fixedRows])}`,
    problems,
  ].join('');
}

function formatQuantity(n: number): string {
  if (n === 0) return '0';
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 1) return n.toFixed(2);
  if (Math.abs(n) >= 0.001) return n.toPrecision(3);
  return n.toExponential(2);
}

// ── Small helpers ──────────────────────────────────────────────────────────────────────────────
function mean(values: number[]): number {
  return values.length ? values.reduce((sum, v) => sum + v, 0) / values.length : 0;
}

/** Nearest rank, so the figure is one that was measured. */
function round4(n: number): number {
  return Math.round(n * 1e4) / 1e4;
}

function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
