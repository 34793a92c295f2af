/**
 * Ids for things a retry must not make twice (a follow-up written when a timer fires): the same
 * seed always gives the same id, and like every other id it is a ULID, so it sorts by time among
 * the conversation's messages.
 */
import { encodeTime } from 'ulid';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/** Two independent 32-bit FNV-1a hashes of the seed, spread over 16 base-32 characters (80 bits). */
function seededChars(seed: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ seed.length;
  for (let i = 0; i < seed.length; i++) {
    const code = seed.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995) ^ (b >>> 13);
  }
  let out = '';
  for (let i = 0; i < 16; i++) {
    const word = i < 8 ? a >>> (i * 4) : b >>> ((i - 8) * 4);
    out += CROCKFORD[(word ^ (i * 7)) & 31];
  }
  return out;
}

/** `prefix_` + a ULID whose time is `at` and whose random part is derived from `seed`. */
export function timedId(prefix: string, at: Date, seed: string): string {
  return `${prefix}_${encodeTime(at.getTime(), 10).toLowerCase()}${seededChars(seed)}`;
}
