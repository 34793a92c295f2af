/** The contract's PATCH semantics, shared by the use cases that change records. */

/** A PATCH of T: fields left out (or undefined) stay as they are; `null` clears an optional field. */
export type Patch<T> = { [K in keyof T]?: undefined extends T[K] ? T[K] | null : T[K] };

/** `current` with `changes` applied, as a new object; see Patch. */
export function applyPatch<T extends object>(current: T, changes: Patch<T>): T {
  const next = { ...current } as Record<string, unknown>;
  for (const [field, value] of Object.entries(changes)) {
    if (value === null) delete next[field];
    else if (value !== undefined) next[field] = value;
  }
  return next as T;
}
