/** What every use case may need from its surroundings: time, ids and logging. */

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  /** A new time-ordered id with the given prefix, e.g. `msg_01J…`. */
  newId(prefix: string): string;
  /** Random secret bytes, base64 (for API keys and webhook secrets). */
  randomSecret(bytes: number): string;
}

/** Structured logging (the Powertools logger in the functions). Never pass secrets or message text. */
export interface Logger {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}
