/** Leaves out the fields whose value is undefined, so a JSON body has no `"x": undefined` keys to drop. */
export function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
