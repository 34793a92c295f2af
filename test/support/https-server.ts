/**
 * An https server on loopback with a throwaway self-signed certificate (made by the `openssl` CLI
 * for each run, so no private key is committed), for tests of what clients do over TLS.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';

export interface HttpsServer {
  /** `https://127.0.0.1:<port>`. */
  origin: string;
  /** The self-signed certificate, PEM. */
  cert: string;
  stop(): Promise<void>;
}

/** Days the throwaway certificate is valid: it lives only as long as the test run. */
const CERT_DAYS = '1';

export async function startHttpsServer(
  handle: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<HttpsServer> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-tls-'));
  const [keyFile, certFile] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      CERT_DAYS,
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  const [key, cert] = await Promise.all([readFile(keyFile), readFile(certFile)]);
  await rm(dir, { recursive: true, force: true });
  const server: Server = createServer({ key, cert }, handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `https://127.0.0.1:${port}`,
    cert: cert.toString('utf8'),
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Runs `act` with the server's throwaway certificate trusted by every TLS connection made
 * meanwhile. The fetcher and the sender build their own connections and take no CA option (in
 * production the system's CAs are the right ones), so node:tls's `connect` is wrapped for the
 * duration (the env switch NODE_TLS_REJECT_UNAUTHORIZED does not reach node:tls from inside Jest).
 */
export async function withCertificateTrusted<T>(server: HttpsServer, act: () => Promise<T>): Promise<T> {
  const connect = tls.connect;
  const trusting = (...args: unknown[]) => {
    const [options] = args;
    if (typeof options === 'object' && options !== null) (options as tls.ConnectionOptions).ca = server.cert;
    return (connect as (...a: unknown[]) => tls.TLSSocket)(...args);
  };
  tls.connect = trusting as typeof tls.connect;
  try {
    return await act();
  } finally {
    tls.connect = connect;
  }
}
