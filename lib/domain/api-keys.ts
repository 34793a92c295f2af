/**
 * API keys: `prly_` + random characters. Only a SHA-256 hash is stored; the key itself is shown
 * once, when it is made.
 */
import { createHash } from 'node:crypto';

export const API_KEY_PREFIX = 'prly_';
/** Shortest key accepted at all; anything shorter cannot be one of ours or an operator's. */
export const MIN_API_KEY_CHARS = 16;
export const MAX_API_KEY_CHARS = 200;

/** The stored form of a key. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Builds a new key from random base64 bytes (made URL- and header-safe). */
export function formatApiKey(randomBase64: string): string {
  return API_KEY_PREFIX + randomBase64.replace(/[^A-Za-z0-9]/g, '').slice(0, 40);
}

/** The shown part of a key, so a person can tell keys apart: `prly_AbCd…`. */
export function apiKeyDisplayPrefix(key: string): string {
  return `${key.slice(0, API_KEY_PREFIX.length + 4)}…`;
}
