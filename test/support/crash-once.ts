/** Fault injection for unit tests: a port method that fails once, as a process dying there would. */

/** Makes `target[method]` throw once, on the first call `when` accepts, then behave again. */
export function crashOnce<T extends object, K extends keyof T>(
  target: T,
  method: K,
  when: (...args: never[]) => boolean = () => true,
): { crashed: () => boolean } {
  const original = target[method] as unknown as (...args: unknown[]) => Promise<unknown>;
  let crashed = false;
  (target as Record<K, unknown>)[method] = async (...args: unknown[]) => {
    if (!crashed && (when as (...a: unknown[]) => boolean)(...args)) {
      crashed = true;
      throw new Error(`injected crash in ${String(method)}`);
    }
    return original.apply(target, args);
  };
  return { crashed: () => crashed };
}
