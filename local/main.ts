/**
 * `npm start`: runs Parley on this machine. PORT (3000), PARLEY_DATA_DIR (./.parley),
 * PARLEY_LOCAL_API_KEY (else one is generated once and kept in the data dir), and OPENAI_API_KEY /
 * OPENAI_BASE_URL to use a real model instead of the offline one (PARLEY_MODEL_PROVIDER overrides
 * that choice; `bedrock` answers from Amazon Bedrock with the usual AWS credentials and region,
 * AWS_PROFILE or AWS_REGION, and PARLEY_BEDROCK_CHAT_MODEL / PARLEY_BEDROCK_EMBEDDING_MODEL).
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as z from 'zod';
import { generateApiKey } from '#lib/app/tenants';
import { createUlidIds } from '#lib/adapters/system/ulid-ids';

const localEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PARLEY_DATA_DIR: z.string().min(1).default('./.parley'),
  PARLEY_LOCAL_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
});

async function resolveApiKey(
  dataDir: string,
  fromEnv: string | undefined,
): Promise<{ key: string; generated: boolean }> {
  if (fromEnv) return { key: fromEnv, generated: false };
  const file = join(dataDir, 'api-key');
  if (existsSync(file)) return { key: (await readFile(file, 'utf8')).trim(), generated: false };
  const key = generateApiKey({ ids: createUlidIds() });
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  return { key, generated: true };
}

function banner(url: string, apiKey: string, generated: boolean, model: string): string {
  return `
Parley is running at ${url}  (model: ${model})
API key${generated ? ' (generated, saved in the data dir)' : ''}: ${apiKey}

Try it:
  curl -s ${url}/v1/ais -H "Authorization: Bearer ${apiKey}" -H 'content-type: application/json' \\
    -d '{"type":"support","name":"Ada","webhooks":{"answer_url":"http://127.0.0.1:9999/hook"}}'

Press Ctrl-C to stop.
`;
}

async function main(): Promise<void> {
  const parsed = localEnv.safeParse(process.env);
  if (!parsed.success) {
    process.stderr.write(
      `Invalid environment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}\n`,
    );
    process.exit(2);
  }
  const env = parsed.data;
  // Powertools reads these when the runtime's logger and metrics are built, at import, so they are
  // set before the runtime is imported below. CloudWatch metrics (EMF lines on stdout) mean
  // nothing on a laptop and would flood the terminal; Metrics takes no option to turn them off.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  // The lockfile pins SDK releases that support Node 20; their notice about later releases needing
  // Node 22 says nothing a local user can act on.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dataDir = resolve(env.PARLEY_DATA_DIR);
  const { key, generated } = await resolveApiKey(dataDir, env.PARLEY_LOCAL_API_KEY);
  const { startLocalRuntime } = await import('#local/runtime');
  const runtime = await startLocalRuntime({ dataDir, host: env.HOST, port: env.PORT, apiKey: key });
  process.stdout.write(banner(runtime.url, key, generated, runtime.modelDescription));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping…\n`);
    await runtime.stop();
    process.stdout.write(`Stopped. Data kept in ${dataDir}\n`);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Parley failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
