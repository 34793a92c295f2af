/**
 * The Node.js that Lambda runs, for running bundles as AWS does: the npm package `node@<version>`
 * installed into a prefix of its own under `.cache/lambda-node/` (its bin is named `node`, so as a
 * dev dependency it would take over every npm script). Installed once per machine and version;
 * later calls reuse it.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * The exact version installed for each Lambda Node major (pinned, so every machine runs the same
 * binary). Raise them together with the runtime in infra/bundling.ts.
 */
export const LAMBDA_NODE_VERSIONS = {
  22: '22.23.3',
  24: '24.21.0',
} as const;

export type LambdaNodeMajor = keyof typeof LAMBDA_NODE_VERSIONS;

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CACHE_DIR = join(PROJECT_ROOT, '.cache', 'lambda-node');

/** Installing takes seconds (one ~40 MB package from the registry); give callers room. */
export const LAMBDA_NODE_INSTALL_TIMEOUT_MS = 180_000;

/** The Node major of a Lambda runtime name: `nodejs22.x` → 22. Throws on a runtime with no pinned Node. */
export function lambdaNodeMajor(runtime: string): LambdaNodeMajor {
  const match = /^nodejs(\d+)\.x$/.exec(runtime);
  const major = match ? Number(match[1]) : Number.NaN;
  if (!(major in LAMBDA_NODE_VERSIONS)) {
    throw new Error(
      `no Node.js is pinned for the Lambda runtime ${runtime}: add its major to LAMBDA_NODE_VERSIONS in test/support/lambda-node.ts`,
    );
  }
  return major as LambdaNodeMajor;
}

const pending = new Map<string, Promise<string>>();

/**
 * The path of the `node` binary for a Lambda Node major, installing `node@<pinned version>` into
 * `.cache/lambda-node/<version>` the first time. The install goes to a temporary prefix that is
 * renamed into place, so an interrupted install is never taken for a finished one.
 */
export function ensureLambdaNode(major: LambdaNodeMajor): Promise<string> {
  const version = LAMBDA_NODE_VERSIONS[major];
  let install = pending.get(version);
  if (!install) {
    install = installLambdaNode(version);
    pending.set(version, install);
  }
  return install;
}

async function installLambdaNode(version: string): Promise<string> {
  const prefix = join(CACHE_DIR, version);
  const binary = join(prefix, 'node_modules', 'node', 'bin', 'node');
  if (existsSync(binary)) return binary;
  const staging = `${prefix}.installing-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    await promisify(execFile)(
      'npm',
      ['install', '--prefix', staging, '--no-save', '--no-audit', '--no-fund', '--no-package-lock', `node@${version}`],
      { timeout: LAMBDA_NODE_INSTALL_TIMEOUT_MS },
    );
    const staged = join(staging, 'node_modules', 'node', 'bin', 'node');
    const { stdout } = await promisify(execFile)(staged, ['--version']);
    if (stdout.trim() !== `v${version}`) throw new Error(`node@${version} installed ${stdout.trim()}`);
    await rm(prefix, { recursive: true, force: true });
    await rename(staging, prefix);
    return binary;
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    // Another process (a parallel test file) may have put the same version in place first.
    if (existsSync(binary)) return binary;
    throw new Error(`could not install node@${version} from the npm registry into ${prefix}`, { cause: error });
  }
}
