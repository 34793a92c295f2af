/**
 * The synthesised CloudFormation template as the harness reads it: every resource gets the
 * physical name and ARNs CloudFormation would give it (in a fixed fake account), and intrinsic
 * functions (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split, pseudo parameters) are
 * resolved against them. Resources are made from this reading, never from a copy of the template.
 */

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON has no useful static type.
export type Json = any;

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, Json>;
  Metadata?: Record<string, Json>;
}

export interface StackTemplate {
  Resources: Record<string, TemplateResource>;
}

/** Where the stack is "deployed". fauxqs builds every queue URL and ARN with this account id. */
export interface StackEnvironment {
  accountId: string;
  region: string;
  partition: string;
  stackName: string;
}

export const HARNESS_ENVIRONMENT: StackEnvironment = Object.freeze({
  accountId: '000000000000',
  region: 'us-east-1',
  partition: 'aws',
  stackName: 'Parley',
});

/** What `Ref` and `Fn::GetAtt` give for one resource. */
export interface PhysicalResource {
  ref: string;
  attributes: Record<string, string>;
}

/**
 * Physical identities for the resource types the stack uses. Names CloudFormation would make up
 * are `<stack>-<logicalId>`; queue URLs point at `sqsEndpoint`, which is where the functions' SQS
 * calls go (the IAM proxy in front of fauxqs), because fauxqs keys queues by their URL.
 */
export function physicalResources(
  template: StackTemplate,
  env: StackEnvironment,
  sqsEndpoint: string,
): Map<string, PhysicalResource> {
  const { accountId: account, region, partition } = env;
  const arn = (service: string, resource: string, withRegion = true, withAccount = true) =>
    `arn:${partition}:${service}:${withRegion ? region : ''}:${withAccount ? account : ''}:${resource}`;
  const made = (logicalId: string) => `${env.stackName}-${logicalId}`;
  const result = new Map<string, PhysicalResource>();
  for (const [id, resource] of Object.entries(template.Resources)) {
    const p = resource.Properties ?? {};
    const literal = (key: string): string | undefined => (typeof p[key] === 'string' ? p[key] : undefined);
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table': {
        const name = literal('TableName') ?? made(id);
        result.set(id, { ref: name, attributes: { Arn: arn('dynamodb', `table/${name}`) } });
        break;
      }
      case 'AWS::SQS::Queue': {
        const name = literal('QueueName') ?? `${made(id)}${p.FifoQueue ? '.fifo' : ''}`;
        const url = `${sqsEndpoint}/${account}/${name}`;
        result.set(id, { ref: url, attributes: { Arn: arn('sqs', name), QueueName: name, QueueUrl: url } });
        break;
      }
      case 'AWS::S3::Bucket': {
        const name = literal('BucketName') ?? made(id).toLowerCase();
        result.set(id, {
          ref: name,
          attributes: { Arn: `arn:${partition}:s3:::${name}`, DomainName: `${name}.s3.amazonaws.com` },
        });
        break;
      }
      case 'AWS::SecretsManager::Secret': {
        // Secrets Manager appends six random characters to a secret's name in its ARN.
        const secretArn = arn('secretsmanager', `secret:${literal('Name') ?? made(id)}-AbCdEf`);
        result.set(id, { ref: secretArn, attributes: { Id: secretArn } });
        break;
      }
      case 'AWS::Events::EventBus': {
        const name = literal('Name') ?? made(id);
        result.set(id, { ref: name, attributes: { Arn: arn('events', `event-bus/${name}`), Name: name } });
        break;
      }
      case 'AWS::Events::Rule': {
        const name = literal('Name') ?? made(id);
        result.set(id, { ref: name, attributes: { Arn: arn('events', `rule/${name}`) } });
        break;
      }
      case 'AWS::Lambda::Function': {
        const name = literal('FunctionName') ?? made(id);
        result.set(id, { ref: name, attributes: { Arn: arn('lambda', `function:${name}`) } });
        break;
      }
      case 'AWS::IAM::Role': {
        const name = literal('RoleName') ?? made(id);
        result.set(id, { ref: name, attributes: { Arn: arn('iam', `role/${name}`, false), RoleId: `AROA${id}` } });
        break;
      }
      case 'AWS::Scheduler::ScheduleGroup': {
        const name = literal('Name') ?? made(id);
        result.set(id, { ref: name, attributes: { Arn: arn('scheduler', `schedule-group/${name}`) } });
        break;
      }
      case 'AWS::ApiGatewayV2::Api': {
        const apiId = id
          .toLowerCase()
          .replace(/[^a-z0-9]/g, '')
          .slice(0, 10);
        result.set(id, {
          ref: apiId,
          attributes: { ApiEndpoint: `https://${apiId}.execute-api.${region}.amazonaws.com` },
        });
        break;
      }
      case 'AWS::Logs::LogGroup': {
        const name = literal('LogGroupName') ?? `/aws/${made(id)}`;
        result.set(id, { ref: name, attributes: { Arn: arn('logs', `log-group:${name}:*`) } });
        break;
      }
      case 'AWS::SNS::Topic': {
        const topicArn = arn('sns', literal('TopicName') ?? made(id));
        result.set(id, { ref: topicArn, attributes: { TopicArn: topicArn } });
        break;
      }
      default:
        result.set(id, { ref: made(id), attributes: {} });
    }
  }
  return result;
}

/** Resolves intrinsic functions in template values against physical resources. */
export class TemplateResolver {
  constructor(
    private readonly physical: Map<string, PhysicalResource>,
    private readonly env: StackEnvironment,
  ) {}

  /** The physical identity of a logical id; throws for one the template does not have. */
  resource(logicalId: string): PhysicalResource {
    const found = this.physical.get(logicalId);
    if (!found) throw new Error(`the template has no resource ${logicalId}`);
    return found;
  }

  /** `value` with every intrinsic function replaced by what CloudFormation would put there. */
  resolve(value: Json): Json {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item));
    if (value === null || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const [key] = keys as [string];
      const arg = value[key];
      switch (key) {
        case 'Ref':
          return this.ref(arg);
        case 'Fn::GetAtt': {
          const [id, attribute] = typeof arg === 'string' ? arg.split(/\.(.*)/s) : arg;
          return this.getAtt(id, attribute);
        }
        case 'Fn::Join': {
          const [separator, parts] = arg;
          return (this.resolve(parts) as string[]).join(separator);
        }
        case 'Fn::Sub':
          return this.sub(arg);
        case 'Fn::Select': {
          const [index, list] = arg;
          return (this.resolve(list) as Json[])[Number(this.resolve(index))];
        }
        case 'Fn::Split': {
          const [separator, text] = arg;
          return String(this.resolve(text)).split(separator);
        }
      }
      if (key.startsWith('Fn::')) throw new Error(`the harness does not resolve ${key}`);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolve(v)]));
  }

  private ref(name: string): string {
    const pseudo: Record<string, string> = {
      'AWS::AccountId': this.env.accountId,
      'AWS::Region': this.env.region,
      'AWS::Partition': this.env.partition,
      'AWS::StackName': this.env.stackName,
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::NoValue': '',
    };
    return pseudo[name] ?? this.resource(name).ref;
  }

  private getAtt(logicalId: string, attribute: string): string {
    const value = this.resource(logicalId).attributes[attribute];
    if (value === undefined) throw new Error(`the harness gives ${logicalId} no attribute ${attribute}`);
    return value;
  }

  private sub(arg: Json): string {
    const [text, variables] = typeof arg === 'string' ? [arg, {}] : (arg as [string, Record<string, Json>]);
    return text.replace(/\$\{([^}]+)\}/g, (_match, name: string) => {
      if (name in variables) return String(this.resolve(variables[name]));
      if (name.includes('.')) {
        const [id, attribute] = name.split(/\.(.*)/s) as [string, string];
        return this.getAtt(id, attribute);
      }
      return this.ref(name);
    });
  }
}

/** The resources of one type, as [logicalId, properties] pairs. */
export function resourcesOfType(template: StackTemplate, type: string): [string, Record<string, Json>][] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([id, resource]) => [id, resource.Properties ?? {}]);
}
