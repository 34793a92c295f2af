/**
 * dynalite (the DynamoDB API on LevelDB) run in-process: the local runtime's database, and the
 * emulator the integration tests run the DynamoDB adapter against.
 */
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

interface DynaliteOptions {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}

// dynalite is CommonJS and ships no type declarations; loading it through require with this one
// signature keeps the untyped module from leaking `any` into the rest of the code.
const dynalite = createRequire(import.meta.url)('dynalite') as (options: DynaliteOptions) => Server;

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
