/**
 * dynalite (the DynamoDB API on LevelDB) run in-process: the local runtime's database, and the
 * emulator the integration tests run the DynamoDB adapter against.
 */
import { once } from 'node:events';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { MessageChannel, Worker } from 'node:worker_threads';
import { MessagePortHttpHandler } from '#lib/adapters/local/in-process-http';
import { registerInProcessEndpoint, unregisterInProcessEndpoint } from '#lib/adapters/local/in-process-registry';

interface DynaliteOptions {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}

// dynalite is CommonJS and ships no type declarations; loading it through require with this one
// signature keeps the untyped module from leaking `any` into the rest of the code.
const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as (options: DynaliteOptions) => Server;

/** A running dynalite server. */
export interface DynaliteServer {
  /** `http://host:port`, for a DynamoDBClient's `endpoint`. */
  endpoint: string;
  /** Stops accepting requests, drops open connections and closes the database. */
  close(): Promise<void>;
}

/**
 * Starts dynalite. Without `path` data lives in memory; with it, in a LevelDB directory that
 * survives restarts. Table state changes are immediate (dynalite otherwise waits 500 ms on each).
 * Listens on 127.0.0.1 and a free port unless told otherwise.
 */
export async function startDynaliteServer(
  options: { path?: string; host?: string; port?: number } = {},
): Promise<DynaliteServer> {
  const host = options.host ?? '127.0.0.1';
  const server = dynalite({
    ...(options.path === undefined ? {} : { path: options.path }),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Keep-alive sockets from SDK clients would otherwise hold close() open until they time out.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * The worker's code, plain CommonJS so it needs no TypeScript loader: it starts dynalite, reports
 * its port, answers the requests that come over its MessagePort (in-process-http.ts) with
 * dynalite's own HTTP request handler, and closes when told to.
 */
const WORKER_SOURCE = `
const { EventEmitter } = require('node:events');
const { parentPort, workerData } = require('node:worker_threads');
const dynalite = require(workerData.dynalitePath);
const server = dynalite({ ...workerData.options, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
const handleRequest = server.listeners('request')[0];
const requests = workerData.requests;
requests.on('message', (request) => {
  // The little of IncomingMessage and ServerResponse that dynalite's handler uses.
  const req = new EventEmitter();
  req.method = request.method;
  req.url = request.url;
  req.headers = {};
  for (const [name, value] of Object.entries(request.headers)) req.headers[name.toLowerCase()] = value;
  const headers = {};
  const res = {
    statusCode: 200,
    setHeader(name, value) { headers[name.toLowerCase()] = String(value); },
    end(body) {
      requests.postMessage({ id: request.id, statusCode: res.statusCode, headers, body: body === undefined ? '' : String(body) });
    },
  };
  handleRequest(req, res);
  if (request.body) req.emit('data', Buffer.from(request.body));
  req.emit('end');
});
server.on('error', (error) => parentPort.postMessage({ error: String(error) }));
server.listen(workerData.port, workerData.host, () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', () => {
  requests.close();
  server.closeAllConnections();
  server.close(() => parentPort.close());
});
`;

/**
 * Starts dynalite in a worker thread: the same server, but its request parsing and LevelDB work
 * run on another core than the caller's event loop. The local runtime uses this, since on one
 * thread dynalite took about a fifth of the only busy core under load. SDK clients of this process
 * whose endpoint is the returned one reach it over a MessagePort rather than TCP (in-process-http.ts);
 * its port still answers HTTP, for other processes and tools.
 */
export async function startDynaliteWorker(
  options: { path?: string; host?: string; port?: number } = {},
): Promise<DynaliteServer> {
  const host = options.host ?? '127.0.0.1';
  const requests = new MessageChannel();
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      dynalitePath: require.resolve('dynalite'),
      options: options.path === undefined ? {} : { path: options.path },
      host,
      port: options.port ?? 0,
      requests: requests.port2,
    },
    transferList: [requests.port2],
  });
  const [ready] = (await Promise.race([once(worker, 'message'), once(worker, 'error')])) as [
    { port?: number; error?: string } | Error,
  ];
  if (ready instanceof Error || ready.error || ready.port === undefined) {
    await worker.terminate();
    throw new Error(`dynalite did not start: ${ready instanceof Error ? ready.message : ready.error}`);
  }
  const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${ready.port}`;
  registerInProcessEndpoint(endpoint, new MessagePortHttpHandler(requests.port1));
  return {
    endpoint,
    async close() {
      unregisterInProcessEndpoint(endpoint);
      requests.port1.close();
      const exited = once(worker, 'exit');
      worker.postMessage('close');
      // LevelDB flushes on close; a worker that does not finish in time is stopped.
      const timer = setTimeout(() => void worker.terminate(), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
