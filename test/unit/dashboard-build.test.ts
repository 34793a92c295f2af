/** The dashboard build: one page naming one hashed script and one hashed stylesheet. */
import { buildDashboard } from '../../dashboard/build.ts';

/** The app stays small: it is served uncompressed by API Gateway. */
const MAX_SCRIPT_BYTES = 96 * 1024;

describe('buildDashboard', () => {
  it('makes index.html, which loads the content-hashed script and stylesheet it built', async () => {
    const files = await buildDashboard();
    const script = Object.keys(files).find((name) => /^app-\w+\.js$/.test(name))!;
    const stylesheet = Object.keys(files).find((name) => /^app-\w+\.css$/.test(name))!;

    expect(Object.keys(files).sort()).toEqual([stylesheet, script, 'index.html'].sort());
    expect(files['index.html']).toContain(`<script type="module" src="/dashboard/${script}"></script>`);
    expect(files['index.html']).toContain(`<link rel="stylesheet" href="/dashboard/${stylesheet}">`);
    expect(files['index.html']).toContain('<html lang="en">');
    expect(Buffer.byteLength(files[script]!)).toBeLessThan(MAX_SCRIPT_BYTES);
  });

  it('names the files after their contents, so the same sources build the same names', async () => {
    const [first, second] = await Promise.all([buildDashboard(), buildDashboard()]);

    expect(Object.keys(first).sort()).toEqual(Object.keys(second).sort());
  });
});
