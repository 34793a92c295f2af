// What Lambda's Node.js runtime does for one execution environment, in the harness: load the
// handler named by _HANDLER from LAMBDA_TASK_ROOT once (the init phase), then run one invocation at
// a time as the parent asks over IPC. Plain JavaScript: it runs on Lambda's Node (node@22/24), not
// through the test runner's compiler.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const RealDate = Date;
let clockOffsetMs = 0;

/** Moves this environment's clock (Date only) forward, for sweeps that look for old work. */
function shiftClock(offsetMs) {
  if (offsetMs === clockOffsetMs) return;
  clockOffsetMs = offsetMs;
  if (globalThis.Date !== RealDate) return;
  class ShiftedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + clockOffsetMs);
      else super(...args);
    }
    static now() {
      return RealDate.now() + clockOffsetMs;
    }
  }
  globalThis.Date = ShiftedDate;
}

function serializeError(error) {
  if (error instanceof Error) {
    return {
      errorType: error.name,
      errorMessage: error.message,
      stackTrace: (error.stack ?? '').split('\n').slice(1, 12),
    };
  }
  return { errorType: 'Error', errorMessage: String(error), stackTrace: [] };
}

async function loadHandler() {
  const [moduleName, exportName] = process.env._HANDLER.split('.');
  const root = process.env.LAMBDA_TASK_ROOT;
  const file = ['.mjs', '.js', '.cjs'].map((ext) => join(root, `${moduleName}${ext}`)).find((path) => existsSync(path));
  if (!file) throw new Error(`Cannot find module '${moduleName}' in ${root}`);
  const module = await import(pathToFileURL(file).href);
  const handler = module[exportName];
  if (typeof handler !== 'function') throw new Error(`${process.env._HANDLER} is undefined or not exported`);
  return handler;
}

const nodeMajor = Number(process.versions.node.split('.')[0]);
const started = performance.now();
let handler;
try {
  handler = await loadHandler();
  process.send({ type: 'ready', initMs: performance.now() - started, nodeVersion: process.version });
} catch (error) {
  process.send({ type: 'init-error', error: serializeError(error) });
  process.exitCode = 1;
}

process.on('message', async (message) => {
  if (message.type !== 'invoke' || !handler) return;
  const { id, event, requestId, deadline, invokedFunctionArn } = message;
  shiftClock(message.clockOffsetMs ?? 0);
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: requestId,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    getRemainingTimeInMillis: () => Math.max(0, deadline - RealDate.now()),
  };
  try {
    // nodejs24.x calls handlers with (event, context) only: callback-style handlers are gone there.
    const result =
      nodeMajor >= 24
        ? await handler(event, context)
        : await new Promise((resolve, reject) => {
            const returned = handler(event, context, (error, value) => (error ? reject(error) : resolve(value)));
            if (returned && typeof returned.then === 'function') returned.then(resolve, reject);
          });
    process.send({ type: 'result', id, result: result === undefined ? null : result });
  } catch (error) {
    process.send({ type: 'error', id, error: serializeError(error) });
  }
});
