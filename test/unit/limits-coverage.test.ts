/**
 * docs/security.md says every limit in lib/domain/limits/ has a test at its edge. A test cannot
 * judge whether another test exercises an edge, but it can make a new limit without any test
 * fail CI: each exported constant must be named by at least one other test file.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const LIMITS_DIR = join(process.cwd(), 'lib/domain/limits');
const TEST_DIR = join(process.cwd(), 'test');
const THIS_FILE = 'limits-coverage.test.ts';
const TEST_FILE = /\.test\.tsx?$/;

async function testSources(): Promise<string[]> {
  const entries = await readdir(TEST_DIR, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile() && TEST_FILE.test(e.name) && e.name !== THIS_FILE);
  return Promise.all(files.map((e) => readFile(join(e.parentPath, e.name), 'utf8')));
}

/** Every limits module's source, one after another. */
async function limitsSources(): Promise<string> {
  const files = (await readdir(LIMITS_DIR)).filter((name) => name.endsWith('.ts')).sort();
  const sources = await Promise.all(files.map((name) => readFile(join(LIMITS_DIR, name), 'utf8')));
  return sources.join('\n');
}

describe('lib/domain/limits/', () => {
  it('has no exported constant that no test names', async () => {
    const limits = await limitsSources();
    const names = [...limits.matchAll(/^export const ([A-Z][A-Z0-9_]*)\b/gm)].map((m) => m[1] as string);
    const sources = await testSources();

    const untested = names.filter((name) => !sources.some((source) => new RegExp(`\\b${name}\\b`).test(source)));

    expect(names.length).toBeGreaterThan(0);
    expect(untested).toEqual([]);
  });
});
