/**
 * An HTTP proxy in front of one emulated AWS service that holds every caller to its IAM role: it
 * reads who signed the request (the SigV4 access key id), turns the request into the checks AWS
 * would make, decides each against that principal's policies and either forwards the request
 * untouched to the emulator or answers AccessDenied in the service's own wire format. Every
 * decision is recorded for the test to assert on.
 */
import { Agent, type IncomingMessage, type ServerResponse, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ServiceErrorResponse,
  accessDeniedMessage,
  accessDeniedResponse,
  unrecognisedClientResponse,
} from './access-denied.ts';
import {
  type AuthorizationCheck,
  type AwsEnvironment,
  type AwsHttpRequest,
  type AwsService,
  type RequestMappingOptions,
  describeAwsRequest,
  unrecognisedCheck,
} from './aws-request.ts';
import { type IdentityPolicy, evaluatePolicies } from './iam-policy.ts';
import { swapOrigins, swapQueueUrlOrigin } from './queue-url-origin.ts';
import { readSigV4Credential, replaceAccessKeyId } from './sigv4-credential.ts';

/** A caller: a function, known by the access key id its SDK signs with, and its role's policies. */
export interface IamPrincipal {
  accessKeyId: string;
  /** The function's name: the role session name in `assumed-role/<role>/<name>`. */
  name: string;
  roleArn: string;
  policies: readonly IdentityPolicy[];
}

/** One decision the proxy made. `principal` is the principal's name, or `unknown:<key>` / `anonymous`. */
export interface IamDecision {
  principal: string;
  action: string;
  resource: string;
  allowed: boolean;
  reason: string;
}

export interface IamProxyOptions extends RequestMappingOptions {
  service: AwsService;
  /** The emulator: `http://127.0.0.1:<port>`. */
  target: string;
  /** Who may call, read on every request: a harness may add principals after the proxy started. */
  principals: readonly IamPrincipal[];
  environment: AwsEnvironment;
  /**
   * The access key id to sign forwarded requests' `Authorization` header with, for an emulator
   * that knows only its own key (s3rver accepts only `S3RVER`; it does not check V4 signatures).
   */
  upstreamAccessKeyId?: string;
  /**
   * Send the emulator its own host in `Host`. Off by default: the emulator then sees the proxy's
   * host, so the URLs it hands out (fauxqs's queue URLs) lead back through the proxy.
   */
  rewriteHost?: boolean;
  /**
   * SQS only: the origin the emulator writes in its queue URLs (fauxqs: `http://sqs.<region>.localhost:<port>`).
   * The proxy then moves request QueueUrls from its own origin to this one, and response queue URLs
   * back, so functions can be given `<proxy endpoint>/<account>/<name>` (see queueUrlFor).
   */
  upstreamQueueOrigin?: string;
}

export interface IamProxy {
  /** `http://127.0.0.1:<port>`: the value for `AWS_ENDPOINT_URL_<SERVICE>`. */
  endpoint: string;
  /** Every decision so far, in order. */
  readonly decisions: readonly IamDecision[];
  /** The refusals among `decisions`. */
  denied(): IamDecision[];
  /** A queue URL the emulator made, on the proxy's origin: what a function must be given. */
  queueUrlFor(upstreamQueueUrl: string): string;
  /** Forgets the decisions so far (between tests). */
  clearDecisions(): void;
  stop(): Promise<void>;
}

/** Hop-by-hop headers: each leg of the proxy manages its own connection. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'expect', 'upgrade']);

/** Starts the proxy on a free loopback port. */
export async function startIamProxy(options: IamProxyOptions): Promise<IamProxy> {
  const target = new URL(options.target);
  const agent = new Agent({ keepAlive: true });
  const decisions: IamDecision[] = [];

  const authorize = (request: AwsHttpRequest, authorization: string | undefined): ServiceErrorResponse | undefined => {
    const credential = readSigV4Credential(authorization, request.path);
    const principal = credential && options.principals.find((p) => p.accessKeyId === credential.accessKeyId);
    const responseOptions = { queryProtocol: !request.headers['x-amz-target'], head: request.method === 'HEAD' };
    const checks = describeAwsRequest(request, options.environment, options);
    if (!principal) {
      const who = credential ? `unknown:${credential.accessKeyId}` : 'anonymous';
      const reason = credential
        ? `no principal holds access key id ${credential.accessKeyId}`
        : 'the request is not SigV4-signed';
      for (const check of checks)
        decisions.push({ principal: who, action: check.action, resource: check.resource, allowed: false, reason });
      return unrecognisedClientResponse(options.service, credential?.accessKeyId, responseOptions);
    }
    const callerArn = assumedRoleArn(principal, options.environment);
    const scoped: AuthorizationCheck[] =
      credential.service === options.service
        ? checks
        : [
            unrecognisedCheck(
              credential.service,
              `signed for ${credential.service}, sent to the ${options.service} proxy`,
            ),
          ];
    // AWS stops at the first refusal; so does the log, so it holds exactly the checks AWS made.
    for (const check of scoped) {
      const decision = check.unrecognised
        ? { allowed: false, kind: 'unrecognised' as const, reason: check.unrecognised }
        : evaluatePolicies(principal.policies, check);
      decisions.push({
        principal: principal.name,
        action: check.action,
        resource: check.resource,
        allowed: decision.allowed,
        reason: decision.reason,
      });
      if (!decision.allowed) {
        const message = accessDeniedMessage({
          service: options.service,
          callerArn,
          action: check.action,
          resource: check.resource,
          kind: decision.kind,
          detail: decision.reason,
        });
        return accessDeniedResponse(options.service, message, responseOptions);
      }
    }
    return undefined;
  };

  const queueOrigin = options.service === 'sqs' ? options.upstreamQueueOrigin : undefined;
  let endpoint = '';

  const forward = (req: IncomingMessage, res: ServerResponse, received: Buffer): void => {
    const json = req.headers['x-amz-target'] !== undefined;
    const body = queueOrigin && json ? swapQueueUrlOrigin(received, endpoint, queueOrigin) : received;
    const headers: [string, string][] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i] ?? '';
      let value = req.rawHeaders[i + 1] ?? '';
      const lower = name.toLowerCase();
      if (HOP_BY_HOP.has(lower) || lower === 'content-length') continue;
      if (lower === 'host' && options.rewriteHost) value = target.host;
      if (lower === 'authorization' && options.upstreamAccessKeyId)
        value = replaceAccessKeyId(value, options.upstreamAccessKeyId);
      headers.push([name, value]);
    }
    // The body was read whole, so it goes on with its length whichever framing it came in.
    headers.push(['Content-Length', String(body.length)]);
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: headers.flat(), agent },
      (upstreamResponse) => {
        const status = upstreamResponse.statusCode ?? 502;
        const rewrite = queueOrigin !== undefined;
        const responseHeaders: string[] = [];
        for (let i = 0; i < upstreamResponse.rawHeaders.length; i += 2) {
          const name = upstreamResponse.rawHeaders[i] ?? '';
          const lower = name.toLowerCase();
          if (lower === 'connection' || lower === 'keep-alive') continue;
          if (rewrite && (lower === 'content-length' || lower === 'transfer-encoding')) continue;
          responseHeaders.push(name, upstreamResponse.rawHeaders[i + 1] ?? '');
        }
        if (!rewrite) {
          res.writeHead(status, responseHeaders);
          upstreamResponse.pipe(res);
          return;
        }
        readBody(upstreamResponse).then((upstreamBody) => {
          const text = Buffer.from(swapOrigins(upstreamBody.toString('utf8'), queueOrigin, endpoint));
          res.writeHead(status, [...responseHeaders, 'Content-Length', String(text.length)]);
          res.end(text);
        }, res.destroy.bind(res));
      },
    );
    upstream.on('error', (error) =>
      send(res, { status: 502, headers: { 'content-type': 'text/plain' }, body: `IAM proxy: ${error.message}` }),
    );
    upstream.end(body);
  };

  const server = createServer((req, res) => {
    readBody(req)
      .then((body) => {
        const request: AwsHttpRequest = {
          service: options.service,
          method: req.method ?? 'GET',
          path: req.url ?? '/',
          headers: req.headers,
          body,
        };
        const refusal = authorize(request, req.headers.authorization);
        if (refusal) send(res, refusal);
        else forward(req, res, body);
      })
      .catch((error: unknown) =>
        send(res, { status: 500, headers: { 'content-type': 'text/plain' }, body: `IAM proxy: ${String(error)}` }),
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  endpoint = `http://127.0.0.1:${port}`;

  return {
    endpoint,
    queueUrlFor: (upstreamQueueUrl) => `${endpoint}${new URL(upstreamQueueUrl).pathname}`,
    decisions,
    denied: () => decisions.filter((decision) => !decision.allowed),
    clearDecisions: () => {
      decisions.length = 0;
    },
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      agent.destroy();
      await closed;
    },
  };
}

/** `arn:<partition>:sts::<account>:assumed-role/<role name>/<function name>`, as Lambda's callers appear. */
function assumedRoleArn(principal: IamPrincipal, environment: AwsEnvironment): string {
  const roleName = principal.roleArn.split('/').at(-1) ?? principal.roleArn;
  return `arn:${environment.partition}:sts::${environment.accountId}:assumed-role/${roleName}/${principal.name}`;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, response: ServiceErrorResponse): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = Buffer.from(response.body);
  res.writeHead(response.status, { ...response.headers, 'content-length': String(body.length) });
  res.end(body);
}
