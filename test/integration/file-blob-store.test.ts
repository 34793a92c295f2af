import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileBlobStore } from '#lib/adapters/local/file-blob-store';
import { describeBlobStoreContract } from '#test/support/blob-store-contract';

const bytes = (text: string) => new TextEncoder().encode(text);

describeBlobStoreContract('FileBlobStore', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'parley-blobs-'));
  return { blobs: new FileBlobStore({ dir }), teardown: () => rm(dir, { recursive: true, force: true }) };
});

describe('FileBlobStore', () => {
  let dir: string;
  let blobs: FileBlobStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-blobs-'));
    blobs = new FileBlobStore({ dir });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps a key as the file of the same path under its directory', async () => {
    await blobs.put('ten_1/kb_1/doc_1/up_1/original', bytes('hello'), 'text/plain');

    expect(existsSync(join(dir, 'ten_1', 'kb_1', 'doc_1', 'up_1', 'original'))).toBe(true);
  });

  it.each([
    ['a parent segment', 'ten_1/../../etc/passwd'],
    ['a leading parent segment', '../outside'],
    ['an absolute path', '/etc/passwd'],
    ['an empty segment', 'ten_1//doc'],
    ['a current-directory segment', 'ten_1/./doc'],
    ['a backslash', 'ten_1\\..\\doc'],
    ['a trailing slash', 'ten_1/doc/'],
    ['the staging directory', '.staging/x'],
    ['nothing at all', ''],
  ])('refuses a key with %s', async (_what, key) => {
    await expect(blobs.put(key, bytes('x'), 'text/plain')).rejects.toThrow(/invalid blob key/);
    await expect(blobs.get(key)).rejects.toThrow(/invalid blob key/);
  });

  it('refuses a prefix that climbs out of its directory', async () => {
    await expect(blobs.deletePrefix('../')).rejects.toThrow(/invalid blob key/);
    await expect(blobs.deletePrefix('ten_1/../../x')).rejects.toThrow(/invalid blob key/);
  });

  it('leaves no temporary file behind after a write', async () => {
    await blobs.put('ten_1/doc', bytes('x'), 'text/plain');
    await blobs.put('ten_1/doc', bytes('y'), 'text/plain');

    expect(await readdir(join(dir, '.staging'))).toEqual([]);
  });

  it('removes the directories a delete leaves empty, and only those', async () => {
    await blobs.put('ten_1/kb_1/doc_1/up_1/original', bytes('a'), 'text/plain');
    await blobs.put('ten_1/kb_2/doc_1/up_1/original', bytes('b'), 'text/plain');

    await blobs.deletePrefix('ten_1/kb_1/doc_1/');

    expect(existsSync(join(dir, 'ten_1', 'kb_1'))).toBe(false);
    expect((await readdir(join(dir, 'ten_1'))).sort()).toEqual(['kb_2']);
  });
});
