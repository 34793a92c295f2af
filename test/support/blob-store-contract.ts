/**
 * The behaviour every BlobStore must have. S3BlobStore (against s3rver) and FileBlobStore both run
 * this suite, so the local runtime keeps documents exactly as AWS does.
 */
import type { BlobStore } from '#lib/ports/knowledge';

export interface BlobStoreUnderTest {
  blobs: BlobStore;
  teardown(): Promise<void>;
}

const bytes = (text: string) => new TextEncoder().encode(text);
/** Compared as plain arrays: one store may return a Buffer, another a Uint8Array. */
const asArray = (value: Uint8Array | undefined) => (value ? [...value] : value);

export function describeBlobStoreContract(
  name: string,
  setup: () => Promise<BlobStoreUnderTest>,
  options: {
    /**
     * Whether the server under the store keeps a key whole when it is written concurrently. S3
     * does (each PUT is atomic); s3rver, which stands in for it in tests, writes an object's file
     * in place, so concurrent PUTs of one key can leave it torn: a property of the emulator that
     * this case would test instead of the adapter.
     */
    serverWritesAtomically?: boolean;
  } = {},
): void {
  describe(`${name} (BlobStore contract)`, () => {
    let blobs: BlobStore;
    let teardown: () => Promise<void>;

    beforeEach(async () => {
      ({ blobs, teardown } = await setup());
    });
    afterEach(async () => {
      await teardown();
    });

    it('returns the bytes that were put, unchanged', async () => {
      const body = new Uint8Array([0, 1, 2, 250, 255, 10, 13]);

      await blobs.put('ten_1/kb_1/doc_1/up_1/original', body, 'application/pdf');

      expect(asArray(await blobs.get('ten_1/kb_1/doc_1/up_1/original'))).toEqual([...body]);
    });

    it('returns undefined for a key that was never put', async () => {
      await blobs.put('ten_1/kb_1/doc_1/up_1/original', bytes('x'), 'text/plain');

      expect(await blobs.get('ten_1/kb_1/doc_1/up_2/original')).toBeUndefined();
      expect(await blobs.get('ten_1/kb_1/doc_1/up_1/original/deeper')).toBeUndefined();
      expect(await blobs.get('ten_2/anything')).toBeUndefined();
    });

    it('replaces a blob put again under the same key', async () => {
      await blobs.put('ten_1/kb_1/doc_1/up_1/chunks.json', bytes('{"v":1}'), 'application/json');

      await blobs.put('ten_1/kb_1/doc_1/up_1/chunks.json', bytes('{"v":2,"longer":true}'), 'application/json');

      expect(asArray(await blobs.get('ten_1/kb_1/doc_1/up_1/chunks.json'))).toEqual([
        ...bytes('{"v":2,"longer":true}'),
      ]);
    });

    it('keeps an empty blob apart from a missing one', async () => {
      await blobs.put('ten_1/empty', new Uint8Array(), 'application/octet-stream');

      expect(asArray(await blobs.get('ten_1/empty'))).toEqual([]);
    });

    it('deletes every blob under a prefix and nothing else', async () => {
      const keys = [
        'ten_1/kb_1/doc_1/up_1/original',
        'ten_1/kb_1/doc_1/up_1/chunks.json',
        'ten_1/kb_1/doc_1/up_2/original',
        'ten_1/kb_1/doc_10/up_1/original',
        'ten_1/kb_2/doc_1/up_1/original',
        'ten_2/kb_1/doc_1/up_1/original',
      ];
      for (const key of keys) await blobs.put(key, bytes(key), 'text/plain');

      await blobs.deletePrefix('ten_1/kb_1/doc_1/');

      const left: string[] = [];
      for (const key of keys) if (await blobs.get(key)) left.push(key);
      expect(left).toEqual([
        'ten_1/kb_1/doc_10/up_1/original',
        'ten_1/kb_2/doc_1/up_1/original',
        'ten_2/kb_1/doc_1/up_1/original',
      ]);
    });

    it('treats the prefix as a string prefix, as S3 does', async () => {
      await blobs.put('ten_1/kb_1/doc_1/original', bytes('a'), 'text/plain');
      await blobs.put('ten_1/kb_1/doc_10/original', bytes('b'), 'text/plain');
      await blobs.put('ten_1/kb_2/doc_1/original', bytes('c'), 'text/plain');

      await blobs.deletePrefix('ten_1/kb_1/doc_1');

      expect(await blobs.get('ten_1/kb_1/doc_1/original')).toBeUndefined();
      expect(await blobs.get('ten_1/kb_1/doc_10/original')).toBeUndefined();
      expect(asArray(await blobs.get('ten_1/kb_2/doc_1/original'))).toEqual([...bytes('c')]);
    });

    it('deletes a whole knowledge base, and can store under it again afterwards', async () => {
      await blobs.put('ten_1/kb_1/doc_1/up_1/original', bytes('a'), 'text/plain');
      await blobs.put('ten_1/kb_1/doc_2/up_1/original', bytes('b'), 'text/plain');

      await blobs.deletePrefix('ten_1/kb_1/');
      await blobs.put('ten_1/kb_1/doc_3/up_1/original', bytes('c'), 'text/plain');

      expect(await blobs.get('ten_1/kb_1/doc_1/up_1/original')).toBeUndefined();
      expect(await blobs.get('ten_1/kb_1/doc_2/up_1/original')).toBeUndefined();
      expect(asArray(await blobs.get('ten_1/kb_1/doc_3/up_1/original'))).toEqual([...bytes('c')]);
    });

    it('deletes a prefix with nothing under it without complaint', async () => {
      await expect(blobs.deletePrefix('ten_9/kb_9/')).resolves.toBeUndefined();
    });

    it('refuses an empty prefix, which would delete every tenant’s blobs', async () => {
      await blobs.put('ten_1/kb_1/doc_1/up_1/original', bytes('a'), 'text/plain');

      await expect(blobs.deletePrefix('')).rejects.toThrow(/empty prefix/);
      expect(await blobs.get('ten_1/kb_1/doc_1/up_1/original')).toBeDefined();
    });

    if (options.serverWritesAtomically !== false) {
      it('keeps blobs whole under concurrent writes of the same key', async () => {
        const versions = Array.from({ length: 8 }, (_, i) => bytes(String(i).repeat(10_000 + i)));

        await Promise.all(versions.map((body) => blobs.put('ten_1/race', body, 'text/plain')));

        const stored = asArray(await blobs.get('ten_1/race'));
        expect(versions.map((body) => [...body])).toContainEqual(stored);
      });
    }
  });
}
