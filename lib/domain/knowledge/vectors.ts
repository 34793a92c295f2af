/**
 * Embedding vectors: stored as base64 of little-endian float32 (exact, and a third the size of
 * JSON numbers), searched by cosine similarity. Vectors are normalised once, when loaded, so a
 * search is a dot product per passage over one contiguous Float32Array.
 */
import { decodeBase64Into, decodedByteLength, encodeBase64 } from '#lib/domain/knowledge/base64';
import { type Hit, selectTopK } from '#lib/domain/knowledge/top-k';

/** Typed arrays use the platform's byte order; the stored form is little-endian everywhere. */
const LITTLE_ENDIAN = new Uint8Array(new Float32Array([1]).buffer)[3] === 0x3f;

/** A vector as stored in a chunk set: base64 of its float32 values, little-endian. */
export function encodeVector(vector: ArrayLike<number>): string {
  const bytes = new Uint8Array(vector.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < vector.length; i++) view.setFloat32(i * 4, vector[i]!, true);
  return encodeBase64(bytes);
}

/** A stored vector's values; throws on text that is not base64 of whole float32 values. */
export function decodeVector(encoded: string): Float32Array {
  const bytes = decodedByteLength(encoded);
  if (bytes % 4 !== 0) throw new Error('not a float32 vector: the byte count is not a multiple of 4');
  const vector = new Float32Array(bytes / 4);
  if (!decodeInto(encoded, vector, 0)) throw new Error('not a float32 vector: invalid base64');
  return vector;
}

/** Scales `vector[start … start+length)` in place to length 1 (a zero vector stays zero) and returns it. */
export function normalize(vector: Float32Array, start = 0, length = vector.length - start): Float32Array {
  let sum = 0;
  for (let i = start; i < start + length; i++) sum += vector[i]! * vector[i]!;
  if (sum === 0) return vector;
  const scale = 1 / Math.sqrt(sum);
  for (let i = start; i < start + length; i++) vector[i] = vector[i]! * scale;
  return vector;
}

/** Passages' vectors of one model, row by row in one array, searched by cosine similarity. */
export class VectorIndex {
  private readonly matrix: Float32Array;
  /** Row → passage index: passages without a vector have no row. */
  private readonly passages: Int32Array;
  private rows = 0;

  /** @param capacity most vectors that will be added */
  constructor(
    readonly dimensions: number,
    capacity: number,
  ) {
    this.matrix = new Float32Array(dimensions * capacity);
    this.passages = new Int32Array(capacity);
  }

  get count(): number {
    return this.rows;
  }

  /** Adds passage `index`'s stored vector, normalised; false, and nothing added, unless it is `dimensions` floats. */
  add(index: number, encoded: string): boolean {
    if (this.rows >= this.passages.length || decodedByteLength(encoded) !== this.dimensions * 4) return false;
    if (!decodeInto(encoded, this.matrix, this.rows * this.dimensions)) return false;
    normalize(this.matrix, this.rows * this.dimensions, this.dimensions);
    this.passages[this.rows++] = index;
    return true;
  }

  /** The `k` passages most similar to `query` (cosine, −1 … 1), best first; none for other dimensions. */
  search(query: Float32Array, k: number): Hit[] {
    const d = this.dimensions;
    if (query.length !== d || this.rows === 0) return [];
    const q = normalize(Float32Array.from(query));
    const m = this.matrix;
    const scores = new Float32Array(this.rows);
    for (let row = 0, base = 0; row < this.rows; row++, base += d) {
      // Four running sums let the CPU overlap the multiply-adds.
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let j = 0;
      for (; j + 3 < d; j += 4) {
        s0 += m[base + j]! * q[j]!;
        s1 += m[base + j + 1]! * q[j + 1]!;
        s2 += m[base + j + 2]! * q[j + 2]!;
        s3 += m[base + j + 3]! * q[j + 3]!;
      }
      for (; j < d; j++) s0 += m[base + j]! * q[j]!;
      scores[row] = s0 + s1 + s2 + s3;
    }
    return selectTopK(scores, k).map((row) => ({ index: this.passages[row]!, score: scores[row]! }));
  }
}

/** Decodes a stored vector into `target` from float `offset`; false on invalid base64. */
function decodeInto(encoded: string, target: Float32Array, offset: number): boolean {
  const length = decodedByteLength(encoded);
  if (LITTLE_ENDIAN)
    return decodeBase64Into(encoded, new Uint8Array(target.buffer, target.byteOffset + offset * 4, length));
  const bytes = new Uint8Array(length);
  if (!decodeBase64Into(encoded, bytes)) return false;
  const view = new DataView(bytes.buffer);
  for (let f = 0; f < length / 4; f++) target[offset + f] = view.getFloat32(f * 4, true);
  return true;
}
