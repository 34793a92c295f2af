/**
 * The API key lives in sessionStorage: it is gone when the tab closes, and other sites cannot read
 * it. Signing out removes it at once.
 */
const KEY_ITEM = 'parley.apiKey';

export function readApiKey(): string | null {
  return sessionStorage.getItem(KEY_ITEM);
}

export function saveApiKey(key: string): void {
  sessionStorage.setItem(KEY_ITEM, key);
}

export function clearApiKey(): void {
  sessionStorage.removeItem(KEY_ITEM);
}
