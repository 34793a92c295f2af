/**
 * A Lambda function of the template, run as Lambda runs it: its bundle from the cloud assembly on
 * the Node major its `Runtime` names (node@22 or node@24 from the npm registry), in processes of
 * its own (execution environments) that load the handler once and are then invoked warm, one
 * invocation at a time each, with Lambda's environment variables, the function's own credentials,
 * a heap sized from its `MemorySize` and its `Timeout` enforced. Nothing of the test process's
 * environment leaks in.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ensureLambdaNode, lambdaNodeMajor } from '#test/support/lambda-node';

const BOOTSTRAP = fileURLToPath(new URL('./lambda-bootstrap.mjs', import.meta.url));

/** Lambda leaves about a tenth of the memory to the runtime and the rest to the V8 heap. */
const HEAP_SHARE_OF_MEMORY = 0.9;

/** How much of each environment's output is kept for assertions (per function). */
const MAX_LOG_CHARS = 4_000_000;

export interface LambdaFunctionSpec {
  logicalId: string;
  /** The physical name (FunctionName, or the one CloudFormation would make up). */
  name: string;
  arn: string;
  runtime: string;
  /** `<module>.<export>`, as in the template. */
  handler: string;
  memorySize: number;
  timeoutSeconds: number;
  /** The unpacked code asset. */
  codeDir: string;
  /** The template's variables, resolved, plus the harness's endpoint variables. */
  environment: Record<string, string>;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  /** At most this many environments at once (Lambda's concurrency, bounded for a 2-core machine). */
  maxEnvironments: number;
}

export interface InvokeOptions {
  /** Moves the environment's clock forward by this much for the invocation (and after). */
  clockOffsetMs?: number;
}

/** What an invocation returned, or the error Lambda would report for it. */
export type InvokeOutcome =
  | { ok: true; result: unknown }
  | { ok: false; error: { errorType: string; errorMessage: string; stackTrace?: string[] } };

interface Environment {
  child: ChildProcess;
  busy: boolean;
  ready: Promise<void>;
}

export class LambdaRunner {
  private readonly environments: Environment[] = [];
  private readonly waiting: (() => void)[] = [];
  private logs = '';
  /** Every invocation's outcome, in order, for assertions. */
  readonly invocations: { event: unknown; outcome: InvokeOutcome }[] = [];
  /** Cold starts: one per environment created. */
  coldStarts = 0;
  private readyVersion: string | undefined;

  constructor(readonly spec: LambdaFunctionSpec) {}

  /** `process.version` of the Node that ran the last environment started (after its init). */
  nodeVersion(): string | undefined {
    return this.readyVersion;
  }

  /** Everything the function's environments wrote to stdout and stderr (its CloudWatch logs). */
  output(): string {
    return this.logs;
  }

  /** Invokes the function synchronously (RequestResponse) and reports its outcome. */
  async invoke(event: unknown, options: InvokeOptions = {}): Promise<InvokeOutcome> {
    const environment = await this.acquire();
    try {
      await environment.ready;
      const outcome = await this.run(environment, event, options);
      this.invocations.push({ event, outcome });
      return outcome;
    } catch (error) {
      // Init failed or the environment died: Lambda reports it and throws the environment away.
      this.discard(environment);
      const outcome: InvokeOutcome = {
        ok: false,
        error: { errorType: 'Runtime.ExitError', errorMessage: (error as Error).message },
      };
      this.invocations.push({ event, outcome });
      return outcome;
    } finally {
      environment.busy = false;
      this.waiting.shift()?.();
    }
  }

  /** Ends every environment. */
  async stop(): Promise<void> {
    const children = this.environments.splice(0).map((environment) => environment.child);
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
  }

  private async acquire(): Promise<Environment> {
    for (;;) {
      const idle = this.environments.find((environment) => !environment.busy);
      if (idle) {
        idle.busy = true;
        return idle;
      }
      if (this.environments.length < this.spec.maxEnvironments) {
        const created = await this.create();
        created.busy = true;
        return created;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private async create(): Promise<Environment> {
    const { spec } = this;
    const node = await ensureLambdaNode(lambdaNodeMajor(spec.runtime));
    const heapMb = Math.floor(spec.memorySize * HEAP_SHARE_OF_MEMORY);
    const child = fork(BOOTSTRAP, [], {
      execPath: node,
      execArgv: [`--max-old-space-size=${heapMb}`],
      cwd: spec.codeDir,
      env: {
        ...spec.environment,
        ...lambdaVariables(spec),
        AWS_ACCESS_KEY_ID: spec.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: spec.credentials.secretAccessKey,
        AWS_SESSION_TOKEN: spec.credentials.sessionToken,
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.coldStarts += 1;
    const keep = (chunk: Buffer) => {
      if (this.logs.length < MAX_LOG_CHARS) this.logs += chunk.toString('utf8');
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const ready = new Promise<void>((resolve, reject) => {
      const onMessage = (message: {
        type: string;
        nodeVersion?: string;
        error?: { errorType: string; errorMessage: string };
      }) => {
        if (message.type === 'ready') {
          this.readyVersion = message.nodeVersion;
          resolve();
        }
        if (message.type === 'init-error') {
          reject(
            new Error(`init of ${spec.logicalId} failed: ${message.error?.errorType}: ${message.error?.errorMessage}`),
          );
        }
        if (message.type === 'ready' || message.type === 'init-error') child.off('message', onMessage);
      };
      child.on('message', onMessage);
      child.once('exit', (code, signal) =>
        reject(new Error(`${spec.logicalId} exited during init (${code ?? signal})`)),
      );
    });
    // A rejection before anyone awaits it is still handled by invoke's catch.
    ready.catch(() => {});
    const environment: Environment = { child, busy: false, ready };
    this.environments.push(environment);
    return environment;
  }

  private run(environment: Environment, event: unknown, options: InvokeOptions): Promise<InvokeOutcome> {
    const { child } = environment;
    const id = randomUUID();
    const timeoutMs = this.spec.timeoutSeconds * 1000;
    return new Promise<InvokeOutcome>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      const onMessage = (message: {
        type: string;
        id?: string;
        result?: unknown;
        error?: { errorType: string; errorMessage: string; stackTrace?: string[] };
      }) => {
        if (message.id !== id) return;
        done();
        resolve(
          message.type === 'result'
            ? { ok: true, result: message.result }
            : { ok: false, error: message.error ?? { errorType: 'Error', errorMessage: 'unknown error' } },
        );
      };
      const onExit = (code: number | null, signal: string | null) => {
        done();
        reject(new Error(`the environment exited mid-invocation (${code ?? signal})`));
      };
      // Lambda stops a function at its timeout and throws its environment away.
      const timer = setTimeout(() => {
        done();
        this.discard(environment);
        resolve({
          ok: false,
          error: {
            errorType: 'Sandbox.Timedout',
            errorMessage: `Task timed out after ${this.spec.timeoutSeconds} seconds`,
          },
        });
      }, timeoutMs);
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send({
        type: 'invoke',
        id,
        event,
        requestId: randomUUID(),
        deadline: Date.now() + timeoutMs,
        invokedFunctionArn: this.spec.arn,
        clockOffsetMs: options.clockOffsetMs ?? 0,
      });
    });
  }

  private discard(environment: Environment): void {
    const index = this.environments.indexOf(environment);
    if (index >= 0) this.environments.splice(index, 1);
    environment.child.kill('SIGKILL');
  }
}

/** The variables Lambda's runtime sets in every execution environment. */
function lambdaVariables(spec: LambdaFunctionSpec): Record<string, string> {
  const region = spec.environment.AWS_REGION ?? 'us-east-1';
  return {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${spec.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: spec.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memorySize),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${spec.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `2026/01/01/[$LATEST]${randomUUID().replaceAll('-', '')}`,
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000',
    LAMBDA_TASK_ROOT: spec.codeDir,
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    _HANDLER: spec.handler,
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    PATH: '/usr/local/bin:/usr/bin/:/bin',
  };
}
