/**
 * Document originals and passages as files under one directory (the local runtime's data
 * directory): the key `a/b/c` is the file `<dir>/a/b/c`. Writes are atomic (a temporary file,
 * then a rename), so a reader sees the old blob or the new one, never half of one.
 */
import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobStore } from '#lib/ports/knowledge';

/** Where writes are staged before their rename: inside the root (so the rename stays on one file system), never a key. */
const STAGING_DIR = '.staging';

export class FileBlobStore implements BlobStore {
  private readonly dir: string;

  constructor(options: { dir: string }) {
    this.dir = options.dir;
  }

  async put(key: string, body: Uint8Array, _contentType: string): Promise<void> {
    const file = this.pathOf(key);
    const staging = join(this.dir, STAGING_DIR);
    await mkdir(staging, { recursive: true });
    const temporary = join(staging, `${randomBytes(12).toString('hex')}.tmp`);
    await writeFile(temporary, body);
    try {
      await mkdir(parentOf(file), { recursive: true });
      await rename(temporary, file).catch(async (error: unknown) => {
        // A concurrent deletePrefix removed the directory, now empty, between mkdir and rename.
        if (errorCode(error) !== 'ENOENT') throw error;
        await mkdir(parentOf(file), { recursive: true });
        await rename(temporary, file);
      });
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const bytes = await readFile(this.pathOf(key));
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (error) {
      // ENOTDIR: part of the key is a file (`a/b` exists and `a/b/c` is asked for).
      if (['ENOENT', 'ENOTDIR', 'EISDIR'].includes(errorCode(error) ?? '')) return undefined;
      throw error;
    }
  }

  /**
   * Deletes the files whose key starts with `prefix` (a string prefix, as in S3: `a/b` matches
   * `a/b/c` and `a/bc`), then the directories that left empty. An empty prefix is refused.
   */
  async deletePrefix(prefix: string): Promise<void> {
    if (prefix === '') throw new Error('refusing to delete with an empty prefix: it would delete every blob');
    const slash = prefix.lastIndexOf('/');
    const directoryKey = slash === -1 ? '' : prefix.slice(0, slash);
    if (directoryKey !== '') checkKey(directoryKey);
    // Only the directory the prefix fully names can hold matches; the walk starts there.
    if (!(await this.deleteUnder(directoryKey, prefix))) return;
    // Then the directories left empty, up towards the root (rmdir refuses one that is not empty).
    const segments = directoryKey.split('/');
    for (let depth = segments.length; depth > 0; depth -= 1) {
      const removed = await rmdir(join(this.dir, ...segments.slice(0, depth))).then(
        () => true,
        () => false,
      );
      if (!removed) return;
    }
  }

  /** Deletes matching files under the directory of `directoryKey`; true if it is left empty (never the root). */
  private async deleteUnder(directoryKey: string, prefix: string): Promise<boolean> {
    const directory = directoryKey === '' ? this.dir : join(this.dir, ...directoryKey.split('/'));
    let entries: Dirent[];
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch (error) {
      if (['ENOENT', 'ENOTDIR'].includes(errorCode(error) ?? '')) return false;
      throw error;
    }
    let remaining = 0;
    for (const entry of entries) {
      if (directoryKey === '' && entry.name === STAGING_DIR) {
        remaining += 1;
        continue;
      }
      const key = directoryKey === '' ? entry.name : `${directoryKey}/${entry.name}`;
      if (entry.isDirectory()) {
        // A directory can hold matches if its keys can start with the prefix, or it is inside it.
        const couldMatch = `${key}/`.startsWith(prefix) || prefix.startsWith(`${key}/`);
        if (couldMatch && (await this.deleteUnder(key, prefix))) {
          await rmdir(join(directory, entry.name)).catch(() => {
            remaining += 1; // A concurrent put wrote into it meanwhile.
          });
        } else {
          remaining += 1;
        }
      } else if (key.startsWith(prefix)) {
        await rm(join(directory, entry.name), { force: true });
      } else {
        remaining += 1;
      }
    }
    return remaining === 0 && directoryKey !== '';
  }

  private pathOf(key: string): string {
    checkKey(key);
    return join(this.dir, ...key.split('/'));
  }
}

/**
 * Refuses a key that could name a file outside the directory or where writes are staged: empty,
 * absolute, with an empty, `.` or `..` segment, a backslash or a NUL.
 */
function checkKey(key: string): void {
  const segments = key.split('/');
  const bad =
    key === '' ||
    /[\\\0]/.test(key) ||
    segments.some((segment) => segment === '' || segment === '.' || segment === '..') ||
    segments[0] === STAGING_DIR;
  if (bad) throw new Error(`invalid blob key "${key}"`);
}

function parentOf(file: string): string {
  return join(file, '..');
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}
