/**
 * Adapters built on first use rather than at cold start. An AWS SDK client module costs tens of
 * milliseconds to evaluate, and a function that never touches it in a request (the api without an
 * upload, the generator of an AI without knowledge) should not pay that before its handler is
 * ready (BENCHMARKS.md, cold start). Each wrapper builds its adapter once, on the first call, and
 * hands every call to it; the composition root still decides what is built and from which config.
 */
import type { DomainEvent, EventPublisher } from '#lib/ports/events';
import type { BlobStore } from '#lib/ports/knowledge';
import type { TimerPayload, TimerScheduler } from '#lib/ports/timers';

/**
 * The first call starts `load`, later calls share its result. A failed load (a module that could
 * not be imported) is forgotten, so the next call tries again instead of failing forever.
 */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}

export class DeferredBlobStore implements BlobStore {
  private readonly store: () => Promise<BlobStore>;

  constructor(load: () => Promise<BlobStore>) {
    this.store = once(load);
  }

  async put(key: string, body: Uint8Array, contentType: string): Promise<void> {
    return (await this.store()).put(key, body, contentType);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    return (await this.store()).get(key);
  }

  async deletePrefix(prefix: string): Promise<void> {
    return (await this.store()).deletePrefix(prefix);
  }
}

export class DeferredTimerScheduler implements TimerScheduler {
  private readonly scheduler: () => Promise<TimerScheduler>;

  constructor(load: () => Promise<TimerScheduler>) {
    this.scheduler = once(load);
  }

  async schedule(timer: { name: string; at: Date; payload: TimerPayload }): Promise<void> {
    return (await this.scheduler()).schedule(timer);
  }

  async cancel(name: string): Promise<void> {
    return (await this.scheduler()).cancel(name);
  }
}

export class DeferredEventPublisher implements EventPublisher {
  private readonly publisher: () => Promise<EventPublisher>;

  constructor(load: () => Promise<EventPublisher>) {
    this.publisher = once(load);
  }

  async publish(events: DomainEvent[]): Promise<void> {
    return (await this.publisher()).publish(events);
  }
}
