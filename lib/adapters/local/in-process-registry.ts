/**
 * How SDK clients of this process find servers running in its worker threads: request handlers
 * registered by dynalite-server.ts (in-process-http.ts), which the local composition's clients
 * (and tests' and benchmarks') go through instead of sockets.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

/** The part of the SDK's HttpHandler contract an in-process handler implements (MessagePortHttpHandler). */
export interface InProcessRequestHandler {
  readonly metadata: { handlerProtocol: string };
  handle(request: unknown, options?: { abortSignal?: AbortSignal }): Promise<{ response: unknown }>;
  destroy(): void;
}

/**
 * What dynalite checks of a request's authentication: an AWS4 Authorization header with these
 * parts and a date. It verifies no signature, so one fixed header stands in for SigV4.
 */
const EMULATOR_AUTHORIZATION = {
  authorization:
    'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=local',
  'x-amz-date': '20260101T000000Z',
};

/**
 * Stops a client of an in-process emulator from signing its requests: SigV4 (an HMAC chain over
 * each request) was about a sixth of the local runtime's work per store call, for a server that
 * never checks it. Only for clients whose requests go to the in-process handler.
 */
function skipSigning(client: DynamoDBClient): void {
  client.middlewareStack.remove('httpSigningMiddleware');
  type Args = { request: { headers?: Record<string, string> } };
  const authorize = (next: (args: Args) => Promise<unknown>) => (args: Args) => {
    if (args.request.headers) Object.assign(args.request.headers, EMULATOR_AUTHORIZATION);
    return next(args);
  };
  client.middlewareStack.addRelativeTo(
    authorize as unknown as Parameters<DynamoDBClient['middlewareStack']['addRelativeTo']>[0],
    { relation: 'after', toMiddleware: 'retryMiddleware', name: 'emulatorAuthorization' },
  );
}

/**
 * A DynamoDB client for `config.endpoint`: through the in-process handler, unsigned, when that
 * endpoint's server runs in this process (the local runtime's dynalite); otherwise as configured.
 */
export function createDynamoClient(config: DynamoDBClientConfig & { endpoint?: string }): DynamoDBClient {
  const inProcess = inProcessRequestHandler(config.endpoint);
  if (!inProcess) return new DynamoDBClient(config);
  const client = new DynamoDBClient({
    ...config,
    requestHandler: inProcess as unknown as DynamoDBClientConfig['requestHandler'],
  });
  skipSigning(client);
  return client;
}

const handlers = new Map<string, InProcessRequestHandler>();

/** Makes SDK clients of this process whose endpoint is `endpoint` go through `handler`. */
export function registerInProcessEndpoint(endpoint: string, handler: InProcessRequestHandler): void {
  handlers.set(endpoint, handler);
}

export function unregisterInProcessEndpoint(endpoint: string): void {
  handlers.delete(endpoint);
}

/** The in-process handler for `endpoint` when its server runs in this process, else undefined (use HTTP). */
export function inProcessRequestHandler(endpoint: string | undefined): InProcessRequestHandler | undefined {
  return endpoint === undefined ? undefined : handlers.get(endpoint);
}
