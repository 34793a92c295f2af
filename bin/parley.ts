/**
 * `parley <command>` (the package's bin, also `npm run parley -- <command>`): Parley's command line.
 * `parley --help` lists the commands. Commands that talk to the API take `--api` (PARLEY_URL,
 * default http://localhost:3000) and `--key` (PARLEY_KEY); `--json` prints the API's JSON instead
 * of text. `tenants create` (and the older `create-tenant`) writes to a deployed stack's table with
 * the caller's AWS credentials; `load-example` loads an example setup (bin/load-example.ts).
 */
import { Command, CommanderError, Option } from 'commander';
import { ApiError, type ApiClient, createApiClient } from '#bin/cli/api-client';
import { tailConversation } from '#bin/cli/conversation-tail';
import { EvalFailedError, runEval } from '#bin/cli/eval';
import { uploadDocuments } from '#bin/cli/kb-upload';
import { type CliIo, json, Output } from '#bin/cli/output';
import { backfillStackInbox } from '#bin/cli/backfill-inbox';
import { reindexStackKnowledge } from '#bin/cli/reindex-knowledge';
import { type AwsClients, createStackTenant, describeLocalTenant } from '#bin/cli/tenants';
import { type LoadedExample, loadExample } from '#bin/load-example';

/** What a caller may supply: AWS clients (tests pass their own), output writers, the environment. */
export type Clients = AwsClients & CliIo & { env?: NodeJS.ProcessEnv };

/** A command line the CLI does not accept; its message says why (and main exits with 2). */
export class UsageError extends Error {}

interface Globals {
  api: string;
  key?: string;
  json: boolean;
}

/**
 * Runs one CLI command; returns everything it printed to stdout. Exported for tests, which pass
 * their own clients and call it without a process.
 *
 * @throws UsageError for a bad command line, ApiError when the API refuses a request
 */
export async function runCli(argv: string[], clients: Clients = {}): Promise<string> {
  const out = new Output(clients);
  let commanderText = '';
  const program = buildProgram(out, clients, clients.env ?? process.env, (text) => {
    commanderText += text;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.exitCode === 0) {
      out.print(commanderText);
      return out.text();
    }
    throw new UsageError(commanderText.trim() || error.message);
  }
  return out.text();
}

function buildProgram(out: Output, clients: Clients, env: NodeJS.ProcessEnv, write: (text: string) => void): Command {
  const program = new Command('parley')
    .description('Parley: run it locally, set up AIs and knowledge, try answers and watch conversations.')
    .option('--api <url>', "Parley's API URL (env PARLEY_URL)", env.PARLEY_URL ?? 'http://localhost:3000')
    .option('--key <key>', 'API key (env PARLEY_KEY)')
    .option('--json', "print the API's JSON instead of text", false)
    .exitOverride()
    .configureOutput({ writeOut: write, writeErr: write })
    .showHelpAfterError('(see `parley --help`)');

  const globals = (command: Command): Globals => {
    const options = command.optsWithGlobals<Globals>();
    return { ...options, key: options.key ?? env.PARLEY_KEY };
  };
  const api = (command: Command): ApiClient => {
    const { api: url, key } = globals(command);
    if (!key) throw new UsageError('no API key: pass --key <key> or set PARLEY_KEY (see `parley tenants create`)');
    return createApiClient(url, key);
  };

  program
    .command('dev')
    .description('run Parley on this machine, as `npm start` does (--key sets its API key)')
    .option('--port <port>', 'port to listen on (env PORT, default 3000)')
    .option('--data-dir <dir>', 'where data is kept (env PARLEY_DATA_DIR, default ./.parley)')
    .action(async (options: { port?: string; dataDir?: string }, command: Command) => {
      const { key } = globals(command);
      // local/main.ts reads its settings from the environment and starts on import.
      if (options.port !== undefined) process.env.PORT = options.port;
      if (options.dataDir !== undefined) process.env.PARLEY_DATA_DIR = options.dataDir;
      if (key !== undefined) process.env.PARLEY_LOCAL_API_KEY = key;
      await import('#local/main');
    });

  const ais = program.command('ais').description('AI agents');
  ais
    .command('create')
    .description('create an AI')
    .requiredOption('--name <name>', 'its name')
    .addOption(new Option('--type <type>', 'what it does').choices(['support', 'sales']).makeOptionMandatory())
    .requiredOption('--answer-url <url>', 'where its answers are POSTed')
    .option('--emergency-url <url>', 'where escalations are POSTed')
    .option('--follow-up-url <url>', 'where follow-ups are POSTed (else the answer URL)')
    .option('--kb <id>', 'a knowledge base it answers from (repeatable)', collect, [])
    .action(async (options: AiOptions, command: Command) => {
      const created = await api(command).request('POST', '/v1/ais', aiBody(options));
      out.print(
        globals(command).json
          ? json(created)
          : `Created ${created.type} AI "${created.name}" (${created.id}).\n` +
              `Webhook secret (verifies its webhook signatures; shown only now): ${created.webhook_secret}\n`,
      );
    });
  ais
    .command('list')
    .description("list the account's AIs")
    .action(async (_options: unknown, command: Command) => {
      const data = await listAll(api(command), '/v1/ais');
      if (globals(command).json) return out.print(json({ data, next_cursor: null }));
      if (data.length === 0) return out.print('No AIs yet: create one with `parley ais create`.\n');
      out.print(
        table(
          ['ID', 'TYPE', 'NAME'],
          data.map((ai) => [ai.id, ai.type, ai.name]),
        ),
      );
    });

  program
    .command('kb')
    .description('knowledge bases')
    .command('upload')
    .description('upload files (pdf, docx, txt, md, html, csv) to a knowledge base and wait for them to be indexed')
    .argument('<files...>')
    .option('--base <id>', 'the knowledge base')
    .option('--base-name <name>', 'the knowledge base of this name, created if there is none')
    .option('--timeout <seconds>', 'how long to wait for indexing', '300')
    .action(
      async (files: string[], options: { base?: string; baseName?: string; timeout: string }, command: Command) => {
        if (!options.base === !options.baseName) throw new UsageError('give one of --base <id> and --base-name <name>');
        await uploadDocuments(
          api(command),
          files,
          {
            ...(options.base ? { base: options.base } : { baseName: options.baseName ?? '' }),
            timeoutSeconds: Number(options.timeout),
            json: globals(command).json,
          },
          out,
        );
      },
    );

  program
    .command('ask')
    .description("try an AI's answer to a message (stores and sends nothing)")
    .argument('<ai_id>')
    .argument('<message...>')
    .action(async (aiId: string, words: string[], _options: unknown, command: Command) => {
      const answer = await api(command).request('POST', `/v1/ais/${encodeURIComponent(aiId)}/test`, {
        message: words.join(' '),
      });
      out.print(globals(command).json ? json(answer) : describeAnswer(answer));
    });

  program
    .command('eval')
    .description("run an AI's test set; exits 1 on any failed case or regression (for CI)")
    .argument('<ai_id>')
    .requiredOption('--set <set_id>', 'the test set to run')
    .option('--interval <ms>', 'how often to look at the run', '1000')
    .option('--timeout <seconds>', 'stop waiting after this long', '1800')
    .action(async (aiId: string, options: { set: string; interval: string; timeout: string }, command: Command) => {
      await runEval(
        api(command),
        {
          aiId,
          setId: options.set,
          json: globals(command).json,
          intervalMs: Number(options.interval),
          timeoutMs: Number(options.timeout) * 1000,
        },
        out,
      );
    });

  program
    .command('conversations')
    .description('conversations')
    .command('tail')
    .description('print the messages of a conversation as they arrive, until Ctrl-C')
    .argument('<conversation_id>')
    .option('--once', 'print the messages so far and stop', false)
    .option('--timeout <seconds>', 'stop after this long')
    .option('--interval <ms>', 'how often to look', '1000')
    .action(async (id: string, options: { once: boolean; timeout?: string; interval: string }, command: Command) => {
      await tailConversation(
        api(command),
        id,
        {
          once: options.once,
          intervalMs: Number(options.interval),
          json: globals(command).json,
          ...(options.timeout === undefined ? {} : { timeoutSeconds: Number(options.timeout) }),
        },
        out,
      );
    });

  const keys = program.command('keys').description("the account's API keys");
  keys
    .command('create')
    .description('create an API key (shown only once)')
    .option('--name <name>', 'what it is for, e.g. Zapier')
    .action(async (options: { name?: string }, command: Command) => {
      const created = await api(command).request('POST', '/v1/api-keys', options.name ? { name: options.name } : {});
      out.print(
        globals(command).json
          ? json(created)
          : `Created API key ${created.id}${created.name ? ` "${created.name}"` : ''}.\n` +
              `Key (shown only now; store it in your password manager): ${created.key}\n`,
      );
    });
  keys
    .command('list')
    .description("list the account's API keys")
    .action(async (_options: unknown, command: Command) => {
      const data = await listAll(api(command), '/v1/api-keys');
      if (globals(command).json) return out.print(json({ data, next_cursor: null }));
      out.print(
        table(
          ['ID', 'PREFIX', 'NAME', 'CREATED'],
          data.map((k) => [k.id, k.prefix, k.name ?? '', k.created_at]),
        ),
      );
    });
  keys
    .command('revoke')
    .description('revoke an API key: it stops working at once')
    .argument('<id>')
    .action(async (id: string, _options: unknown, command: Command) => {
      await api(command).request('DELETE', `/v1/api-keys/${encodeURIComponent(id)}`);
      out.print(globals(command).json ? json({ id, revoked: true }) : `Revoked API key ${id}.\n`);
    });

  program
    .command('tenants')
    .description('accounts')
    .command('create')
    .description("create an account and its API key in a deployed stack; --local prints the local runtime's key")
    .option('--name <name>', 'the account name (required for a stack)')
    .option('--stack <stack>', 'the deployed stack', 'Parley')
    .option('--region <region>', 'its AWS region')
    .option('--local', "the local runtime's account: print its API key", false)
    .option('--data-dir <dir>', "the local runtime's data dir", env.PARLEY_DATA_DIR ?? './.parley')
    .action(async (options: TenantOptions) => {
      if (options.local) return out.print(await describeLocalTenant(options.dataDir, env.PARLEY_LOCAL_API_KEY));
      if (!options.name) throw new UsageError('give the account a --name <name>');
      out.print(await createStackTenant({ ...options, name: options.name }, clients));
    });

  program
    .command('create-tenant')
    .description('the same as `tenants create` on a deployed stack')
    .requiredOption('--name <name>', 'the account name')
    .option('--stack <stack>', 'the deployed stack', 'Parley')
    .option('--region <region>', 'its AWS region')
    .action(async (options: { name: string; stack: string; region?: string }) => {
      out.print(await createStackTenant(options, clients));
    });

  program
    .command('backfill-inbox')
    .description('put conversations stored before the inbox existed in it, on a deployed stack (resumable)')
    .option('--stack <stack>', 'the deployed stack', 'Parley')
    .option('--region <region>', 'its AWS region')
    .action(async (options: { stack: string; region?: string }) => {
      out.print(await backfillStackInbox(options, clients));
    });

  program
    .command('reindex-knowledge')
    .description(
      "queue for ingestion every document embedded by another model than a deployed stack's, now rather than by its sweeper (resumable)",
    )
    .option('--stack <stack>', 'the deployed stack', 'Parley')
    .option('--region <region>', 'its AWS region')
    .action(async (options: { stack: string; region?: string }) => {
      out.print(await reindexStackKnowledge(options, clients));
    });

  program
    .command('load-example')
    .description("create an example's product, strategy, goal and AI through the API")
    .argument('<setup.json>')
    .option('--answer-url <url>', "replaces the AI's answer webhook URL")
    .action(async (file: string, options: { answerUrl?: string }, command: Command) => {
      const { api: url, key } = globals(command);
      if (!key) throw new UsageError('no API key: pass --key <key> or set PARLEY_KEY');
      const loaded = await loadExample(file, {
        api: url,
        apiKey: key,
        ...(options.answerUrl ? { answerUrl: options.answerUrl } : {}),
      });
      out.print(describeLoaded(file, url, loaded));
    });

  return program;
}

interface AiOptions {
  name: string;
  type: string;
  answerUrl: string;
  emergencyUrl?: string;
  followUpUrl?: string;
  kb: string[];
}

interface TenantOptions {
  name?: string;
  stack: string;
  region?: string;
  local: boolean;
  dataDir: string;
}

function aiBody(options: AiOptions) {
  return {
    type: options.type,
    name: options.name,
    ...(options.kb.length > 0 ? { knowledge_base_ids: options.kb } : {}),
    webhooks: {
      answer_url: options.answerUrl,
      ...(options.emergencyUrl ? { emergency_url: options.emergencyUrl } : {}),
      ...(options.followUpUrl ? { follow_up_url: options.followUpUrl } : {}),
    },
    ...(options.emergencyUrl ? { emergency: { enabled: true } } : {}),
  };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

// biome-ignore lint/suspicious/noExplicitAny: list items are the API's JSON
async function listAll(client: ApiClient, path: string): Promise<any[]> {
  const items = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page = await client.request('GET', `${path}?limit=100${query}`);
    items.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return `${[header, ...rows].map(line).join('\n')}\n`;
}

interface TestAnswer {
  reply: string;
  citations: { document_id: string; title: string; snippet: string }[];
  needs_human: boolean;
  reason: string | null;
  latency_ms: number;
}

function describeAnswer(answer: TestAnswer): string {
  const lines = [answer.reply, ''];
  if (answer.citations.length > 0) {
    lines.push('Sources:');
    answer.citations.forEach((c, i) => {
      lines.push(`  [${i + 1}] ${c.title} (${c.document_id}): ${c.snippet}`);
    });
  } else lines.push('Sources: none');
  lines.push(`Needs a person: ${answer.needs_human ? `yes${answer.reason ? ` (${answer.reason})` : ''}` : 'no'}`);
  lines.push(`Latency: ${answer.latency_ms} ms`, '');
  return lines.join('\n');
}

function describeLoaded(file: string, api: string, loaded: LoadedExample): string {
  return [
    `${loaded.alreadyLoaded ? 'Already loaded' : 'Loaded'} ${file} into ${api}:`,
    `  product   ${loaded.productId}`,
    `  strategy  ${loaded.strategyId}`,
    `  goal      ${loaded.goalId}`,
    `  ai        ${loaded.aiId}`,
    `Webhook secret (verifies the AI's webhook signatures; keep it private): ${loaded.webhookSecret}`,
    '',
  ].join('\n');
}

/** The error as main prints it: the API's message and each detail on its own line. */
export function describeCliError(error: unknown): string {
  if (error instanceof UsageError) return error.message;
  if (error instanceof ApiError) return `parley: ${error.describe()}`;
  if (error instanceof EvalFailedError) return `parley eval: ${error.message}`;
  return `parley: ${error instanceof Error ? error.message : String(error)}`;
}

/** The CLI as a process: output written as it comes, exit code 2 for usage and 1 for other errors. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  try {
    await runCli(argv, {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      stderrIsTty: process.stderr.isTTY === true,
    });
  } catch (error) {
    process.stderr.write(`${describeCliError(error)}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
