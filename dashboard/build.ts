/**
 * Builds the dashboard (a Preact single-page app, dashboard/src) into three files: index.html and
 * a content-hashed app script and stylesheet. The local runtime builds it in memory on the first
 * request for it; the CDK app writes it next to the dashboard function's bundle at synth. Either
 * way there is no separate build step, and both serve the very same files.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type DashboardFiles, INDEX_FILE } from '#functions/dashboard';

const ENTRY = fileURLToPath(new URL('./src/main.tsx', import.meta.url));
/** Browsers from 2021 on: ES2020 modules without transpiling the app down further. */
const BROWSER_TARGETS = ['chrome100', 'firefox100', 'safari15', 'edge100'];

function indexHtml(script: string, stylesheet: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parley</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/dashboard/${stylesheet}">
<script type="module" src="/dashboard/${script}"></script>
</head>
<body>
<noscript>The Parley dashboard needs JavaScript.</noscript>
<div id="app"></div>
</body>
</html>
`;
}

/** Bundles and minifies the app; nothing is written to disk. */
export async function buildDashboard(): Promise<DashboardFiles> {
  const result = await build({
    entryPoints: { app: ENTRY },
    bundle: true,
    minify: true,
    format: 'esm',
    target: BROWSER_TARGETS,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    // The hash in the name lets the server cache these for a year: a new build is a new URL.
    entryNames: '[name]-[hash]',
    outdir: 'out',
    write: false,
    logLevel: 'silent',
  });
  const files: Record<string, string> = {};
  for (const output of result.outputFiles) files[basename(output.path)] = output.text;
  const names = Object.keys(files);
  const script = names.find((name) => name.endsWith('.js'));
  const stylesheet = names.find((name) => name.endsWith('.css'));
  if (!script || !stylesheet) throw new Error(`the dashboard build made ${names.join(', ')}: no script or stylesheet`);
  files[INDEX_FILE] = indexHtml(script, stylesheet);
  return files;
}

/** Builds the dashboard into `directory` (created if missing). */
export async function writeDashboard(directory: string): Promise<DashboardFiles> {
  const files = await buildDashboard();
  await mkdir(directory, { recursive: true });
  await Promise.all(Object.entries(files).map(([name, text]) => writeFile(join(directory, name), text)));
  return files;
}
