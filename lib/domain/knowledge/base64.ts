/**
 * Base64 without Node's Buffer, so the domain stays free of the runtime. Decoding is the hot path
 * (every vector and posting list of a base, on each cold load), so it writes straight into the
 * caller's bytes with one table lookup per character.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Character code → 6-bit value, or 255 for a character outside the alphabet; covers all of UTF-16. */
const DECODE = new Uint8Array(65_536).fill(255);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;
// The URL-safe alphabet decodes too: nothing is lost by accepting it.
DECODE['-'.charCodeAt(0)] = 62;
DECODE['_'.charCodeAt(0)] = 63;
const PAD = 61; // '='
const INVALID = 0xc0;

const ALPHABET_CODES = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
/** Decodes ASCII in one native call, to one flat string (concatenation would build a rope of thousands of pieces). */
const ASCII = new TextDecoder();

/** `bytes` as standard, padded base64. */
export function encodeBase64(bytes: Uint8Array): string {
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  let o = 0;
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out[o++] = ALPHABET_CODES[n >> 18]!;
    out[o++] = ALPHABET_CODES[(n >> 12) & 63]!;
    out[o++] = i + 1 < bytes.length ? ALPHABET_CODES[(n >> 6) & 63]! : PAD;
    out[o++] = i + 2 < bytes.length ? ALPHABET_CODES[n & 63]! : PAD;
  }
  return ASCII.decode(out);
}

/** How many bytes `text` decodes to. */
export function decodedByteLength(text: string): number {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === PAD) end--;
  return Math.floor((end * 3) / 4);
}

/** Decodes `text` into `target` from `offset`; false if a character is outside the alphabet or it does not fit. */
export function decodeBase64Into(text: string, target: Uint8Array, offset = 0): boolean {
  const length = decodedByteLength(text);
  if (offset + length > target.length) return false;
  let bad = 0;
  let o = offset;
  let i = 0;
  const whole = offset + length - (length % 3);
  for (; o < whole; i += 4) {
    const a = DECODE[text.charCodeAt(i)]!;
    const b = DECODE[text.charCodeAt(i + 1)]!;
    const c = DECODE[text.charCodeAt(i + 2)]!;
    const d = DECODE[text.charCodeAt(i + 3)]!;
    bad |= a | b | c | d;
    target[o++] = (a << 2) | (b >> 4);
    target[o++] = ((b & 15) << 4) | (c >> 2);
    target[o++] = ((c & 3) << 6) | d;
  }
  if (length % 3 > 0) {
    const a = DECODE[text.charCodeAt(i)]!;
    const b = DECODE[text.charCodeAt(i + 1)]!;
    bad |= a | b;
    target[o++] = (a << 2) | (b >> 4);
    if (length % 3 === 2) {
      const c = DECODE[text.charCodeAt(i + 2)]!;
      bad |= c;
      target[o++] = ((b & 15) << 4) | (c >> 2);
    }
  }
  return (bad & INVALID) === 0;
}

/** `text` decoded, or undefined if it is not base64. */
export function decodeBase64(text: string): Uint8Array | undefined {
  const bytes = new Uint8Array(decodedByteLength(text));
  return decodeBase64Into(text, bytes) ? bytes : undefined;
}
