/**
 * A recording fake of EventBridge's PutEvents on loopback, speaking awsJson1_1 (`AWSEvents.PutEvents`)
 * as the service does, for the deployed-shape suite: the real `EventBridgeClient` reaches it through
 * `endpoint` or `AWS_ENDPOINT_URL_EVENTBRIDGE`. It validates entries as the service does (1–10 a
 * call, at most 256 KB in all; Source, DetailType and a JSON-object Detail in each, else a per-entry
 * failure) and records the events it accepts with their bus.
 */
import { randomUUID } from 'node:crypto';
import {
  type AwsFakeServer,
  AwsServiceError,
  awsJsonHandler,
  constraintProblem,
  isJsonObject,
  type JsonObject,
  type RecordedCall,
  startAwsFakeServer,
  validationError,
} from '#test/deployed/support/fakes/aws-fake-server';

/** An event the fake accepted. */
export interface AcceptedEvent {
  eventId: string;
  /** The bus's name, also when the entry named it by ARN. */
  eventBusName: string;
  source: string;
  detailType: string;
  /** The Detail string as sent. */
  detail: string;
  resources: string[];
  /** The entry's Time, when it had one. */
  time?: Date;
}

/**
 * What the fake does with an entry for a bus that does not exist. AWS accepts it and drops it
 * (FailedEntryCount 0, an EventId; reported in aws/aws-sdk#186 and aws/aws-cli#9186), so a typo
 * in a bus name goes unnoticed: `'refuse'` (the default) fails the entry instead with
 * `ResourceNotFoundException`, a code AWS does not send here; `'drop'` mimics AWS and keeps the
 * entry in `dropped`.
 */
export type UnknownBusBehaviour = 'refuse' | 'drop';

/** A fault the next calls meet: a per-entry InternalFailure on every entry, or a 500 InternalException. */
export type PutEventsFault = 'entry-internal-failure' | 'internal-exception';

/** The running fake: its endpoint, what it was asked, the events it took, and its fault switch. */
export interface FakeEventBridge extends AwsFakeServer {
  calls: RecordedCall[];
  /** Accepted events in arrival order. */
  events: AcceptedEvent[];
  /** Entries for buses that do not exist, accepted and dropped (only with `unknownBus: 'drop'`). */
  dropped: AcceptedEvent[];
  /** Makes the next `count` PutEvents calls meet `fault` (after validation, as a service outage would). */
  failNext(count: number, fault: PutEventsFault): void;
}

/** PutEvents takes 1 to 10 entries. */
const MAX_ENTRIES = 10;
/** The limit on the entries' total size, counted as EventBridge counts it. */
const MAX_ENTRIES_BYTES = 256 * 1024;
/** What a Time counts towards the size limit. */
const TIME_BYTES = 14;

/** Starts the fake on 127.0.0.1 with the named buses (`default` always exists, as in every account). */
export async function startFakeEventBridge(options: {
  region: string;
  accountId: string;
  eventBusNames?: string[];
  unknownBus?: UnknownBusBehaviour;
}): Promise<FakeEventBridge> {
  const buses = new Set(['default', ...(options.eventBusNames ?? [])]);
  const busArnPrefix = `arn:aws:events:${options.region}:${options.accountId}:event-bus/`;
  const unknownBus = options.unknownBus ?? 'refuse';
  const calls: RecordedCall[] = [];
  const events: AcceptedEvent[] = [];
  const dropped: AcceptedEvent[] = [];
  const faults: PutEventsFault[] = [];

  function putEvents(input: JsonObject) {
    const entries = input.Entries;
    if (!Array.isArray(entries)) {
      throw validationError([constraintProblem(entries, 'entries', 'Member must not be null')]);
    }
    if (entries.length < 1 || entries.length > MAX_ENTRIES) {
      const bound = entries.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_ENTRIES}`;
      throw validationError([constraintProblem('[...]', 'entries', `Member must have length ${bound}`)]);
    }
    if (entries.reduce((sum: number, entry) => sum + entrySize(entry), 0) > MAX_ENTRIES_BYTES) {
      throw new AwsServiceError('ValidationException', 'Total size of the entries in the request is over the limit.');
    }
    const fault = faults.shift();
    if (fault === 'internal-exception') throw new AwsServiceError('InternalException', 'Internal service error.', 500);
    const results = entries.map((entry: unknown) => {
      if (fault === 'entry-internal-failure') return { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal Failure' };
      return putEntry(isJsonObject(entry) ? entry : {});
    });
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  }

  function putEntry(entry: JsonObject): { EventId: string } | { ErrorCode: string; ErrorMessage: string } {
    for (const member of ['Source', 'DetailType', 'Detail'] as const) {
      if (typeof entry[member] !== 'string' || entry[member] === '') {
        return {
          ErrorCode: 'InvalidArgument',
          ErrorMessage: `Parameter ${member} is not valid. Reason: ${member} is a required argument.`,
        };
      }
    }
    if (!isJsonObject(parseJson(entry.Detail as string))) {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    const named = typeof entry.EventBusName === 'string' && entry.EventBusName !== '' ? entry.EventBusName : 'default';
    const eventBusName = named.startsWith('arn:')
      ? named.slice(named.indexOf(':event-bus/') + ':event-bus/'.length)
      : named;
    const known = buses.has(eventBusName) && (!named.startsWith('arn:') || named === `${busArnPrefix}${eventBusName}`);
    if (!known && unknownBus === 'refuse') {
      return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${named} does not exist.` };
    }
    const event: AcceptedEvent = {
      eventId: randomUUID(),
      eventBusName,
      source: entry.Source as string,
      detailType: entry.DetailType as string,
      detail: entry.Detail as string,
      resources: Array.isArray(entry.Resources) ? (entry.Resources as string[]) : [],
      ...(typeof entry.Time === 'number' ? { time: new Date(entry.Time * 1000) } : {}),
    };
    (known ? events : dropped).push(event);
    return { EventId: event.eventId };
  }

  const server = await startAwsFakeServer({
    protocol: 'awsJson1_1',
    handle: awsJsonHandler('AWSEvents', { PutEvents: putEvents }, calls),
  });

  return {
    ...server,
    calls,
    events,
    dropped,
    failNext: (count, fault) => {
      for (let i = 0; i < count; i += 1) faults.push(fault);
    },
  };
}

/**
 * An entry's size as EventBridge counts it towards the 256 KB limit: 14 bytes for a Time, and the
 * UTF-8 bytes of Source, DetailType, Detail and each Resource.
 */
function entrySize(entry: unknown): number {
  if (!isJsonObject(entry)) return 0;
  const bytes = (value: unknown) => (typeof value === 'string' ? Buffer.byteLength(value) : 0);
  const resources = Array.isArray(entry.Resources) ? entry.Resources : [];
  return (
    (entry.Time === undefined ? 0 : TIME_BYTES) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    resources.reduce((sum: number, resource) => sum + bytes(resource), 0)
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
