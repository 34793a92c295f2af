/**
 * The synthesised stack, "deployed" on this machine as AWS would run it: every
 * AWS::Lambda::Function from its bundle on Lambda's Node, with its own credentials; every AWS call
 * checked against the caller's role in the template by an IAM proxy in front of each emulator or
 * fake; and the template's event sources driving the functions: the HTTP API's routes and Lambda
 * permissions, the SQS event source mappings, EventBridge Scheduler's schedules and the sweeper's
 * rule. Tests talk to it as users and AWS do: over HTTP, and by firing what AWS would fire.
 *
 * Deviations from AWS, each on purpose: queue visibility timeouts are divided by TIME_SCALE;
 * schedules fire when a test says so (or when due), not by the wall clock; webhooks may go to
 * loopback receivers (PARLEY_WEBHOOK_TARGETS=local, which a real stack refuses); the model is a fake
 * OpenAI server on loopback (OPENAI_BASE_URL), reached with the key the stack's secret holds.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createDocumentClient, createDynamoStores, type DynamoStores } from '#lib/adapters/aws/dynamo-stores';
import { systemClock } from '#lib/adapters/system/system-clock';
import { createUlidIds } from '#lib/adapters/system/ulid-ids';
import { createTenant } from '#lib/app/tenants';
import { type RunningDynalite, startDynalite } from '#test/support/dynalite';
import { startTestSqs, type TestSqs } from '#test/support/fauxqs';
import { startTestS3, type TestS3 } from '#test/support/s3rver';
import { type DeployedAssembly, deployedAssembly } from './assembly.ts';
import { type FakeEventBridge, startFakeEventBridge } from './fakes/fake-eventbridge.ts';
import { type FakeScheduler, startFakeScheduler } from './fakes/fake-scheduler.ts';
import { type FakeSecretsManager, startFakeSecretsManager } from './fakes/fake-secrets-manager.ts';
import { arnLike, type HttpApiRoute, type LambdaPermission, type RunningHttpApi, startHttpApi } from './http-api.ts';
import { evaluatePolicies, type IdentityPolicy } from './iam/iam-policy.ts';
import { type IamPrincipal, type IamProxy, startIamProxy } from './iam/iam-proxy.ts';
import { LambdaRunner } from './lambda-runner.ts';
import { SqsEventSource } from './sqs-event-source.ts';
import { bucketNames, createQueues, createTables, type MadeQueue } from './stack-resources.ts';
import {
  HARNESS_ENVIRONMENT,
  type Json,
  physicalResources,
  resourcesOfType,
  type StackTemplate,
  TemplateResolver,
} from './template.ts';

/** Execution environments per function at most: Lambda would run more, a 2-core machine should not. */
const MAX_ENVIRONMENTS_PER_FUNCTION = 2;
/** Pollers per event source mapping at most (the template allows 5 to 10). */
const MAX_POLLERS_PER_MAPPING = 2;

/** The SDK's per-service endpoint variables, by the service names the IAM proxy knows. */
const ENDPOINT_VARIABLES = {
  dynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
  sqs: 'AWS_ENDPOINT_URL_SQS',
  s3: 'AWS_ENDPOINT_URL_S3',
  scheduler: 'AWS_ENDPOINT_URL_SCHEDULER',
  events: 'AWS_ENDPOINT_URL_EVENTBRIDGE',
  secretsmanager: 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
  bedrock: 'AWS_ENDPOINT_URL_BEDROCK_RUNTIME',
} as const;

type Service = keyof typeof ENDPOINT_VARIABLES;

/** The harness itself (making resources, reading dead-letter queues): allowed everything. */
const HARNESS_PRINCIPAL: IamPrincipal = {
  accessKeyId: 'AKIAHARNESS000000000',
  name: 'harness',
  roleArn: `arn:aws:iam::${HARNESS_ENVIRONMENT.accountId}:role/harness`,
  policies: [
    {
      name: 'harness',
      document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
    },
  ],
};

export interface DeployedStackOptions {
  /** CDK context, as `-c key=value` gives it. */
  context?: Record<string, unknown>;
  /** What the OpenAI secret holds; undefined leaves it empty, as the stack creates it. */
  openAiKey?: string;
  /** Where the functions' OpenAI client goes (a fake OpenAI server on loopback). */
  openAiBaseUrl?: string;
  /**
   * A fake Bedrock Runtime (test/support/fake-bedrock.ts), put behind an IAM proxy like every other
   * service; without one, Bedrock calls go to a proxy with nothing behind it (and fail).
   */
  bedrockEndpoint?: string;
  /** Changes the template before anything is made from it (a harness test removes a permission). */
  changeTemplate?: (template: StackTemplate) => void;
}

/** One function of the stack: its runner and the template facts about it. */
export interface DeployedFunction {
  logicalId: string;
  runner: LambdaRunner;
  roleLogicalId: string;
}

export interface DeployedStack {
  assembly: DeployedAssembly;
  template: StackTemplate;
  resolver: TemplateResolver;
  /** The HTTP API's base URL. */
  url: string;
  http: RunningHttpApi;
  /** An API key of a tenant made as `parley tenants create` makes one. */
  apiKey: string;
  /** Functions by the first part of their logical id (`ApiFunction`, `GenerationGenerator`, …). */
  fn(prefix: string): DeployedFunction;
  functions: DeployedFunction[];
  queues: Map<string, MadeQueue>;
  queue(prefix: string): MadeQueue;
  eventSources: SqsEventSource[];
  scheduler: FakeScheduler;
  eventBridge: FakeEventBridge;
  secrets: FakeSecretsManager;
  proxies: Record<Service, IamProxy>;
  /** Every AWS call a function made that its role did not allow. */
  denied(): { principal: string; action: string; resource: string }[];
  /** The stores, as the operator's tools reach them. */
  stores: DynamoStores;
  /**
   * Invokes each schedule's target as Scheduler would (with its Target.Input, through its role,
   * asynchronously), `times` times each, then applies ActionAfterCompletion. Only schedules due at
   * `now` unless `all` is set. Returns the schedules fired.
   */
  fireSchedules(options?: { now?: Date; times?: number; all?: boolean }): Promise<FiredSchedule[]>;
  /** Invokes the targets of a scheduled rule (the sweeper) as EventBridge would. */
  runRule(prefix: string, options?: { clockOffsetMs?: number }): Promise<unknown[]>;
  /** An SQS client allowed everything, for what a test does behind the stack's back. */
  adminSqs(): SQSClient;
  /** Receives (without deleting) what sits in a queue, by its logical id's prefix. */
  peekQueue(prefix: string): Promise<{ body: string; receiveCount: number }[]>;
  /** Everything the functions wrote to their logs. */
  logs(): string;
  stop(): Promise<void>;
}

export interface FiredSchedule {
  name: string;
  group: string;
  targetArn: string;
  outcomes: { ok: boolean; error?: string }[];
}

/** The Lambda permissions of the template, resolved. */
function lambdaPermissions(template: StackTemplate, resolver: TemplateResolver): LambdaPermission[] {
  return resourcesOfType(template, 'AWS::Lambda::Permission').map(([, properties]) => {
    const p = resolver.resolve(properties);
    return {
      functionArn: p.FunctionName,
      principal: p.Principal,
      ...(p.SourceArn ? { sourceArn: p.SourceArn } : {}),
    };
  });
}

/** Every identity policy of a role: its inline Policies and the AWS::IAM::Policy resources naming it. */
function rolePolicies(template: StackTemplate, resolver: TemplateResolver, roleId: string): IdentityPolicy[] {
  const role = template.Resources[roleId];
  if (!role) throw new Error(`no role ${roleId} in the template`);
  if ((role.Properties?.ManagedPolicyArns ?? []).length > 0) {
    throw new Error(`role ${roleId} has managed policies, which the harness cannot read`);
  }
  const inline = (role.Properties?.Policies ?? []).map((policy: Json) => ({
    name: policy.PolicyName,
    document: resolver.resolve(policy.PolicyDocument),
  }));
  const attached = resourcesOfType(template, 'AWS::IAM::Policy')
    .filter(([, p]) => (p.Roles ?? []).some((ref: Json) => ref?.Ref === roleId))
    .map(([id, p]) => ({ name: id, document: resolver.resolve(p.PolicyDocument) }));
  return [...inline, ...attached];
}

/** The routes of the HTTP API, with the function each integration invokes. */
function httpApiRoutes(template: StackTemplate, resolver: TemplateResolver): HttpApiRoute[] {
  const integrations = new Map(
    resourcesOfType(template, 'AWS::ApiGatewayV2::Integration').map(([id, p]) => [
      id,
      resolver.resolve(p.IntegrationUri),
    ]),
  );
  return resourcesOfType(template, 'AWS::ApiGatewayV2::Route').map(([, p]) => {
    const target = resolver.resolve(p.Target) as string;
    const integrationId = Object.keys(template.Resources).find(
      (id) => target === `integrations/${resolver.resource(id).ref}`,
    );
    const functionArn = integrationId ? integrations.get(integrationId) : undefined;
    if (!functionArn) throw new Error(`route ${p.RouteKey} has no Lambda integration the harness knows`);
    return { routeKey: p.RouteKey, functionArn };
  });
}

/** Starts the stack: synth (or the kept assembly), emulators, proxies, resources, functions, event sources. */
export async function startDeployedStack(options: DeployedStackOptions = {}): Promise<DeployedStack> {
  const env = HARNESS_ENVIRONMENT;
  const assembly = await deployedAssembly(options.context);
  const template: StackTemplate = structuredClone(assembly.template);
  options.changeTemplate?.(template);
  const stopping: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const step of stopping.reverse()) await step().catch(() => undefined);
  };
  try {
    // Emulators and fakes, each behind an IAM proxy.
    const dynalite: RunningDynalite = await startDynalite();
    stopping.push(() => dynalite.stop());
    const sqs: TestSqs = await startTestSqs();
    stopping.push(() => sqs.stop());

    const principals: IamPrincipal[] = [HARNESS_PRINCIPAL];
    const proxies = {} as Record<Service, IamProxy>;
    const proxy = async (
      service: Service,
      target: string,
      extra: Partial<Parameters<typeof startIamProxy>[0]> = {},
    ) => {
      const started = await startIamProxy({ service, target, principals, environment: env, ...extra });
      stopping.push(() => started.stop());
      proxies[service] = started;
      return started;
    };
    await proxy('dynamodb', dynalite.endpoint);
    // Queues are made on fauxqs first (it names them in its own URLs); functions get them on the
    // proxy's origin, so that their SQS calls go through it whichever endpoint the SDK picks.
    const upstreamQueues = await createQueues(
      template,
      new TemplateResolver(physicalResources(template, env, sqs.endpoint), env),
      sqs.client,
    );
    const [anyQueue] = upstreamQueues.values();
    await proxy('sqs', sqs.endpoint, {
      rewriteHost: true,
      ...(anyQueue ? { upstreamQueueOrigin: new URL(anyQueue.url).origin } : {}),
    });

    const physical = physicalResources(template, env, proxies.sqs.endpoint);
    const resolver = new TemplateResolver(physical, env);
    const queues = new Map(
      [...upstreamQueues].map(([id, queue]) => [id, { ...queue, url: resolver.resource(id).ref }]),
    );
    for (const [id, queue] of upstreamQueues) {
      if (proxies.sqs.queueUrlFor(queue.url) !== resolver.resource(id).ref) {
        throw new Error(
          `queue ${id} is at ${queue.url}, which the proxy does not serve as ${resolver.resource(id).ref}`,
        );
      }
    }

    const s3: TestS3 = await startTestS3({ others: bucketNames(template, resolver) });
    stopping.push(() => s3.stop());
    // s3rver knows only its own access key (it never checks SigV4 signatures): the proxy swaps it in.
    await proxy('s3', s3.endpoint, { upstreamAccessKeyId: 'S3RVER' });

    const scheduler = await startFakeScheduler({
      region: env.region,
      accountId: env.accountId,
      groups: resourcesOfType(template, 'AWS::Scheduler::ScheduleGroup').map(([id]) => resolver.resource(id).ref),
    });
    stopping.push(() => scheduler.stop());
    await proxy('scheduler', scheduler.endpoint);
    const eventBridge = await startFakeEventBridge({
      region: env.region,
      accountId: env.accountId,
      eventBusNames: resourcesOfType(template, 'AWS::Events::EventBus').map(([id]) => resolver.resource(id).ref),
    });
    stopping.push(() => eventBridge.stop());
    await proxy('events', eventBridge.endpoint);
    const secretsOfTemplate = resourcesOfType(template, 'AWS::SecretsManager::Secret').map(([id, p]) => {
      const arn = resolver.resource(id).ref;
      const name = arn.split(':secret:')[1]?.replace(/-[A-Za-z0-9]{6}$/, '') ?? id;
      const value = p.SecretString ?? (id.includes('OpenAiKey') ? options.openAiKey : undefined);
      return { name, arn, ...(value === undefined ? {} : { value: String(value) }) };
    });
    const secrets = await startFakeSecretsManager({
      region: env.region,
      accountId: env.accountId,
      secrets: secretsOfTemplate,
    });
    stopping.push(() => secrets.stop());
    await proxy('secretsmanager', secrets.endpoint, {
      secretArnByName: (name) => secretsOfTemplate.find((secret) => secret.name === name)?.arn,
    });
    // The Bedrock Runtime client speaks HTTP/1.1 (lib/adapters/bedrock/bedrock-client.ts), as does the proxy.
    await proxy('bedrock', options.bedrockEndpoint ?? 'http://127.0.0.1:9');

    const admin = { accessKeyId: HARNESS_PRINCIPAL.accessKeyId, secretAccessKey: 'harness' };
    const adminDynamo = new DynamoDBClient({
      region: env.region,
      endpoint: proxies.dynamodb.endpoint,
      credentials: admin,
    });
    const adminSqs = new SQSClient({ region: env.region, endpoint: proxies.sqs.endpoint, credentials: admin });
    stopping.push(async () => {
      adminDynamo.destroy();
      adminSqs.destroy();
    });
    const [tableName] = await createTables(template, resolver, adminDynamo);

    // The functions: each with its role's policies as a principal of its own.
    const endpointVariables = Object.fromEntries(
      Object.entries(ENDPOINT_VARIABLES).map(([service, variable]) => [variable, proxies[service as Service].endpoint]),
    );
    const functions: DeployedFunction[] = [];
    const runners = new Map<string, LambdaRunner>();
    for (const [id, properties] of resourcesOfType(template, 'AWS::Lambda::Function')) {
      const p = resolver.resolve(properties);
      const roleLogicalId = properties.Role['Fn::GetAtt'][0] as string;
      const physicalFn = resolver.resource(id);
      const accessKeyId = `ASIA${id
        .toUpperCase()
        .replace(/[^A-Z0-9]/g, '')
        .slice(0, 16)}`;
      principals.push({
        accessKeyId,
        name: physicalFn.ref,
        roleArn: resolver.resource(roleLogicalId).attributes.Arn as string,
        policies: rolePolicies(template, resolver, roleLogicalId),
      });
      const runner = new LambdaRunner({
        logicalId: id,
        name: physicalFn.ref,
        arn: physicalFn.attributes.Arn as string,
        runtime: p.Runtime,
        handler: p.Handler,
        memorySize: Number(p.MemorySize ?? 128),
        timeoutSeconds: Number(p.Timeout ?? 3),
        codeDir: assembly.codeDirectory(properties.Code),
        environment: {
          ...(p.Environment?.Variables ?? {}),
          ...endpointVariables,
          AWS_REGION: env.region,
          // Loopback receivers, which no deployed stack may reach: the one setting the harness changes.
          PARLEY_WEBHOOK_TARGETS: 'local',
          ...(options.openAiBaseUrl ? { OPENAI_BASE_URL: options.openAiBaseUrl } : {}),
        },
        credentials: { accessKeyId, secretAccessKey: `secret-${id}`, sessionToken: `token-${id}` },
        maxEnvironments: MAX_ENVIRONMENTS_PER_FUNCTION,
      });
      functions.push({ logicalId: id, runner, roleLogicalId });
      runners.set(physicalFn.attributes.Arn as string, runner);
      stopping.push(() => runner.stop());
    }
    const fn = (prefix: string): DeployedFunction => {
      const found = functions.filter((f) => f.logicalId.startsWith(prefix));
      if (found.length !== 1) throw new Error(`expected one function starting with ${prefix}, found ${found.length}`);
      return found[0] as DeployedFunction;
    };

    // The HTTP API.
    const permissions = lambdaPermissions(template, resolver);
    const [apiId] = resourcesOfType(template, 'AWS::ApiGatewayV2::Api').map(([id]) => resolver.resource(id).ref);
    const http = await startHttpApi({
      apiId: apiId as string,
      env,
      routes: httpApiRoutes(template, resolver),
      permissions,
      functions: runners,
    });
    stopping.push(() => http.stop());

    // SQS event source mappings, polling with each function's own credentials.
    const eventSources: SqsEventSource[] = [];
    for (const [id, properties] of resourcesOfType(template, 'AWS::Lambda::EventSourceMapping')) {
      const p = resolver.resolve(properties);
      const queue = [...queues.values()].find((q) => q.arn === p.EventSourceArn);
      const target = functions.find(
        (f) => f.runner.spec.name === p.FunctionName || f.runner.spec.arn === p.FunctionName,
      );
      if (!queue || !target) throw new Error(`event source mapping ${id} names a queue or function the harness lacks`);
      const credentials = target.runner.spec.credentials;
      const client = new SQSClient({ region: env.region, endpoint: proxies.sqs.endpoint, credentials });
      stopping.push(async () => client.destroy());
      const source = new SqsEventSource(
        {
          logicalId: id,
          queueUrl: queue.url,
          queueArn: queue.arn,
          batchSize: Number(p.BatchSize ?? 10),
          reportBatchItemFailures: (p.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
          concurrency: Math.min(
            Number(p.ScalingConfig?.MaximumConcurrency ?? MAX_POLLERS_PER_MAPPING),
            MAX_POLLERS_PER_MAPPING,
          ),
        },
        target.runner,
        client,
        env.region,
      );
      await source.start();
      stopping.push(() => source.stop());
      eventSources.push(source);
    }

    // A tenant and its key, written to the table as `parley tenants create` does.
    const stores = createDynamoStores({ tableName: tableName as string, client: createDocumentClient(adminDynamo) });
    const { apiKey } = await createTenant(
      { tenants: stores.tenants, clock: systemClock, ids: createUlidIds() },
      { tenantName: 'Deployed' },
    );

    const allowedToInvoke = (roleArn: string, functionArn: string) => {
      const role = Object.keys(template.Resources).find(
        (id) => template.Resources[id]?.Type === 'AWS::IAM::Role' && resolver.resource(id).attributes.Arn === roleArn,
      );
      if (!role) return false;
      return evaluatePolicies(rolePolicies(template, resolver, role), {
        action: 'lambda:InvokeFunction',
        resource: functionArn,
        context: {},
      }).allowed;
    };

    const stack: DeployedStack = {
      assembly,
      template,
      resolver,
      url: http.url,
      http,
      apiKey,
      fn,
      functions,
      queues,
      queue(prefix) {
        const found = [...queues.values()].filter((q) => q.logicalId.startsWith(prefix));
        if (found.length !== 1) throw new Error(`expected one queue starting with ${prefix}, found ${found.length}`);
        return found[0] as MadeQueue;
      },
      eventSources,
      scheduler,
      eventBridge,
      secrets,
      proxies,
      denied: () =>
        Object.values(proxies).flatMap((p) =>
          p.decisions
            .filter((d) => !d.allowed)
            .map((d) => ({ principal: d.principal, action: d.action, resource: d.resource })),
        ),
      stores,
      async fireSchedules({ now = new Date(), times = 1, all = false } = {}) {
        const fired: FiredSchedule[] = [];
        for (const schedule of all ? scheduler.schedules() : scheduler.due(now)) {
          // The fake validated both on CreateSchedule and UpdateSchedule, as the service does.
          const target = {
            ...schedule.Target,
            Arn: schedule.Target.Arn as string,
            RoleArn: schedule.Target.RoleArn as string,
          };
          const runner = runners.get(target.Arn);
          const outcomes: FiredSchedule['outcomes'] = [];
          for (let i = 0; i < times; i++) {
            if (!runner || !allowedToInvoke(target.RoleArn, target.Arn)) {
              outcomes.push({ ok: false, error: 'AccessDenied: the schedule role may not invoke its target' });
              continue;
            }
            const outcome = await runner.invoke(target.Input ? JSON.parse(target.Input) : {});
            outcomes.push(
              outcome.ok
                ? { ok: true }
                : { ok: false, error: `${outcome.error.errorType}: ${outcome.error.errorMessage}` },
            );
          }
          if (outcomes.some((o) => o.ok)) scheduler.complete(schedule.GroupName, schedule.Name);
          fired.push({ name: schedule.Name, group: schedule.GroupName, targetArn: target.Arn, outcomes });
        }
        return fired;
      },
      async runRule(prefix, { clockOffsetMs = 0 } = {}) {
        const [ruleId, properties] =
          resourcesOfType(template, 'AWS::Events::Rule').find(([id]) => id.startsWith(prefix)) ?? [];
        if (!ruleId || !properties) throw new Error(`no rule starting with ${prefix}`);
        const ruleArn = resolver.resource(ruleId).attributes.Arn as string;
        const results: unknown[] = [];
        for (const target of resolver.resolve(properties.Targets ?? [])) {
          const runner = runners.get(target.Arn);
          const permitted = permissions.some(
            (p) =>
              p.functionArn === target.Arn &&
              p.principal === 'events.amazonaws.com' &&
              (p.sourceArn === undefined || arnLike(p.sourceArn, ruleArn)),
          );
          if (!runner || !permitted) throw new Error(`EventBridge may not invoke ${target.Arn} for ${ruleArn}`);
          const outcome = await runner.invoke(
            {
              version: '0',
              id: randomUUID(),
              'detail-type': 'Scheduled Event',
              source: 'aws.events',
              account: env.accountId,
              time: new Date(Date.now() + clockOffsetMs).toISOString(),
              region: env.region,
              resources: [ruleArn],
              detail: {},
            },
            { clockOffsetMs },
          );
          if (!outcome.ok)
            throw new Error(`${target.Arn} failed: ${outcome.error.errorType}: ${outcome.error.errorMessage}`);
          results.push(outcome.result);
        }
        return results;
      },
      adminSqs: () => adminSqs,
      async peekQueue(prefix) {
        const queue = stack.queue(prefix);
        const output = await adminSqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queue.url,
            MaxNumberOfMessages: 10,
            VisibilityTimeout: 0,
            MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          }),
        );
        return (output.Messages ?? []).map((m) => ({
          body: m.Body ?? '',
          receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 0),
        }));
      },
      logs: () => functions.map((f) => f.runner.output()).join(''),
      stop,
    };
    return stack;
  } catch (error) {
    await stop();
    throw error;
  }
}
