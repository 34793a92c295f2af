/**
 * The cloud assembly the deployed-shape suite runs: `cdk synth` of the app as infra/app.ts builds
 * it, with every function bundled by esbuild. Bundling takes half a minute, so an assembly is kept
 * under `.cache/deployed-assembly/<hash>`, where the hash covers everything that goes into it (the
 * sources, the lockfile, the CDK settings and context); any change makes a new one.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { addParleyStack } from '../../../infra/parley-app.ts';
import type { StackTemplate } from './template.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CACHE_DIR = join(PROJECT_ROOT, '.cache', 'deployed-assembly');
/** What goes into the assembly: the code the functions bundle and the CDK app around it. */
const INPUTS = ['infra', 'functions', 'lib', 'dashboard', 'package-lock.json', 'cdk.json', 'tsconfig.json'];
/** Assemblies kept besides the newest: enough for switching branches, not a growing pile. */
const KEEP_ASSEMBLIES = 3;

/** Synth plus esbuild for seven functions; give beforeAll room on a slow machine. */
export const DEPLOYED_SYNTH_TIMEOUT_MS = 180_000;

export interface DeployedAssembly {
  /** The directory holding the template and the functions' code assets. */
  directory: string;
  stackName: string;
  template: StackTemplate;
  /**
   * The directory of a function's code, found as `cdk deploy` finds it: the asset whose published
   * object key is the function's `Code.S3Key`.
   */
  codeDirectory(code: { S3Key?: unknown }): string;
}

function hashInputs(context: Record<string, unknown>): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(context));
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path).sort()) {
        if (entry !== 'node_modules') visit(join(path, entry));
      }
      return;
    }
    hash.update(relative(PROJECT_ROOT, path));
    hash.update(readFileSync(path));
  };
  for (const input of INPUTS) visit(join(PROJECT_ROOT, input));
  return hash.digest('hex').slice(0, 20);
}

/** The assembly for `context` (CDK context, as `-c key=value` gives it), synthesised if not kept yet. */
export async function deployedAssembly(context: Record<string, unknown> = {}): Promise<DeployedAssembly> {
  const directory = join(CACHE_DIR, hashInputs(context));
  if (!existsSync(join(directory, 'manifest.json'))) {
    const staging = `${directory}.synth-${process.pid}`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    const app = new App({ outdir: staging, context });
    addParleyStack(app);
    app.synth();
    await rename(staging, directory).catch(async (error) => {
      // Another test file synthesised the same assembly first: use that one.
      await rm(staging, { recursive: true, force: true });
      if (!existsSync(join(directory, 'manifest.json'))) throw error;
    });
    await pruneOldAssemblies(directory);
  }
  const manifest = JSON.parse(await readFile(join(directory, 'manifest.json'), 'utf8'));
  const [stackName] = Object.entries(manifest.artifacts as Record<string, { type: string }>)
    .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack')
    .map(([name]) => name);
  if (!stackName) throw new Error(`no stack in the cloud assembly at ${directory}`);
  const template = JSON.parse(await readFile(join(directory, `${stackName}.template.json`), 'utf8'));
  const assets = JSON.parse(await readFile(join(directory, `${stackName}.assets.json`), 'utf8')) as {
    files: Record<string, { source: { path: string }; destinations: Record<string, { objectKey: string }> }>;
  };
  const codeDirectory = (code: { S3Key?: unknown }) => {
    const asset = Object.values(assets.files).find((file) =>
      Object.values(file.destinations).some((destination) => destination.objectKey === code.S3Key),
    );
    if (!asset) throw new Error(`no asset in the cloud assembly is published as ${String(code.S3Key)}`);
    return join(directory, asset.source.path);
  };
  return { directory, stackName, template, codeDirectory };
}

async function pruneOldAssemblies(keep: string): Promise<void> {
  const entries = readdirSync(CACHE_DIR)
    .map((name) => join(CACHE_DIR, name))
    .filter((path) => path !== keep && !path.includes('.synth-'))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  await Promise.all(entries.slice(KEEP_ASSEMBLIES).map((path) => rm(path, { recursive: true, force: true })));
}
