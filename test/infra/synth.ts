/**
 * Synthesises the Parley app the way infra/app.ts does (same context parsing, same cdk-nag plugin),
 * once per test file, into a temporary directory that `cleanup` removes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { FunctionName } from '../../infra/bundling.ts';
import { addParleyStack } from '../../infra/parley-app.ts';
import type { ParleyStack } from '../../infra/parley-stack.ts';

/** Template JSON, indexed freely in assertions. */
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON has no useful static type.
export type Json = any;

/** Synth plus esbuild for six functions takes seconds; give beforeAll room on a slow machine. */
export const SYNTH_TIMEOUT_MS = 120_000;

export interface SynthOptions {
  /** CDK context, as `-c key=value` would give it. */
  context?: Record<string, unknown>;
  /**
   * Bundle the functions with esbuild. Off by default: bundling is what the bundling test is about,
   * and every other assertion is on the template, which is the same either way but for asset hashes.
   */
  bundle?: boolean;
  /** Changes the stack before synthesis (a control resource, say). */
  beforeSynth?: (stack: ParleyStack) => void;
}

export interface Synthesised {
  app: App;
  stack: ParleyStack;
  template: Template;
  assembly: CloudAssembly;
  cleanup(): void;
}

export function synthParley(options: SynthOptions = {}): Synthesised {
  const outdir = mkdtempSync(join(tmpdir(), 'parley-cdk-'));
  // CDK's own switch for `cdk deploy --exclusively`: stacks not listed are not bundled.
  const skipBundling = options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] };
  const app = new App({ outdir, context: { ...skipBundling, ...options.context } });
  const cleanup = () => rmSync(outdir, { recursive: true, force: true });
  try {
    const stack = addParleyStack(app);
    options.beforeSynth?.(stack);
    const assembly = app.synth();
    return { app, stack, template: Template.fromStack(stack), assembly, cleanup };
  } catch (error) {
    cleanup();
    throw error;
  }
}

/** The policy-validation report CDK writes into the assembly (cdk-nag 3 reports through it). */
export function readValidationReport(assembly: CloudAssembly): {
  pluginReports: { pluginName?: string; violations?: unknown[]; summary?: unknown }[];
} {
  return JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8'));
}

/** The logical id of the one resource of `type` whose logical id starts with `prefix`. */
export function logicalId(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1)
    throw new Error(`expected one ${type} starting with ${prefix}, found ${ids.join(', ') || 'none'}`);
  return ids[0]!;
}

/** Logical-id prefixes of the functions, by FUNCTION_ENTRIES name. */
export const FUNCTION_IDS = {
  api: 'ApiFunction',
  generator: 'GenerationGenerator',
  delivery: 'GenerationDelivery',
  sweeper: 'GenerationSweeper',
  ingester: 'KnowledgeIngester',
  timer: 'GenerationTimer',
  evaluator: 'EvaluationsEvaluator',
} as const satisfies Record<FunctionName, string>;

/** The synthesised properties of one of the functions. */
export function functionProperties(template: Template, name: keyof typeof FUNCTION_IDS): Record<string, Json> {
  return template.toJSON().Resources[logicalId(template, 'AWS::Lambda::Function', FUNCTION_IDS[name])].Properties;
}

/** The logical id of a function's execution role. */
export function functionRole(template: Template, name: keyof typeof FUNCTION_IDS): string {
  return functionProperties(template, name).Role['Fn::GetAtt'][0];
}

/** A logical id without CDK's hash suffix: `StorageTableB43FDCE7` → `StorageTable`. */
const friendly = (id: string) => id.replace(/[0-9A-F]{8}$/, '');

/** A policy resource as readable text: `<StorageTable>/index/gsi1`, `<MessagingDeliveryQueue>`, `*`. */
function describeResource(resource: unknown): string {
  if (typeof resource === 'string') return resource;
  const value = resource as Record<string, Json>;
  if (value['Fn::GetAtt']) return `<${friendly(value['Fn::GetAtt'][0])}>`;
  if (value.Ref) return `<${friendly(value.Ref)}>`;
  if (value['Fn::Join']) return value['Fn::Join'][1].map(describeResource).join(value['Fn::Join'][0]);
  return JSON.stringify(resource);
}

/** Every policy statement attached to a role, as `{resource: [actions]}`; throws on Deny or NotAction. */
export function permissionsOf(template: Template, roleId: string): Record<string, string[]> {
  const permissions: Record<string, Set<string>> = {};
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
    if (!policy.Properties.Roles.some((role: { Ref?: string }) => role.Ref === roleId)) continue;
    for (const statement of policy.Properties.PolicyDocument.Statement) {
      if (statement.Effect !== 'Allow' || !statement.Action) {
        throw new Error(`unexpected statement in a policy of ${roleId}: ${JSON.stringify(statement)}`);
      }
      for (const resource of [statement.Resource].flat()) {
        const key = describeResource(resource);
        permissions[key] ??= new Set();
        for (const action of [statement.Action].flat()) permissions[key].add(action);
      }
    }
  }
  return Object.fromEntries(Object.entries(permissions).map(([resource, actions]) => [resource, [...actions].sort()]));
}

/**
 * The template without what changes on every code or CDK upgrade: asset hashes (the functions'
 * S3 keys, and any asset path) become `<asset-hash>`, so the snapshot shows infrastructure changes only.
 */
export function scrubAssetHashes(template: unknown): unknown {
  return JSON.parse(JSON.stringify(template).replace(/\b[0-9a-f]{64}\b/g, '<asset-hash>'));
}
