import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { runCli, UsageError } from '#bin/parley';
import { createDocumentClient, createDynamoStores } from '#lib/adapters/aws/dynamo-stores';
import { authenticate } from '#lib/app/authenticate';
import { createTestTable, type RunningDynalite, startDynalite } from '#test/support/dynalite';

describe('npm run parley -- create-tenant', () => {
  let dynalite: RunningDynalite;
  let tableName: string;
  const cloudFormation = mockClient(CloudFormationClient);

  beforeAll(async () => {
    dynalite = await startDynalite();
    tableName = await createTestTable(dynalite.client);
  });

  afterAll(async () => {
    await dynalite.stop();
  });

  beforeEach(() => {
    cloudFormation.reset();
  });

  it("creates a tenant in the stack's table whose printed API key authenticates", async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'Parley',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [
            { OutputKey: 'TableName', OutputValue: tableName },
            { OutputKey: 'ApiUrl', OutputValue: 'https://abc.execute-api.eu-west-1.amazonaws.com/' },
          ],
        },
      ],
    });

    const printed = await runCli(['create-tenant', '--stack', 'Parley', '--name', 'Acme'], {
      cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }),
      dynamo: dynalite.client,
    });

    expect(cloudFormation.commandCalls(DescribeStacksCommand)[0]?.args[0].input).toEqual({ StackName: 'Parley' });
    const apiKey = /API key[^:]*: (\S+)/.exec(printed)?.[1] ?? '';
    const { tenants } = createDynamoStores({ tableName, client: createDocumentClient(dynalite.client) });
    const tenantId = await authenticate({ tenants }, apiKey);
    expect((await tenants.getTenant(tenantId))?.name).toBe('Acme');
    expect(printed).toContain('curl -s https://abc.execute-api.eu-west-1.amazonaws.com/v1/ais');
  });

  it('does the same as `tenants create --stack`', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'Prod',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [{ OutputKey: 'TableName', OutputValue: tableName }],
        },
      ],
    });

    const printed = await runCli(['tenants', 'create', '--stack', 'Prod', '--name', 'Globex'], {
      cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }),
      dynamo: dynalite.client,
    });

    const apiKey = /API key[^:]*: (\S+)/.exec(printed)?.[1] ?? '';
    const { tenants } = createDynamoStores({ tableName, client: createDocumentClient(dynalite.client) });
    expect((await tenants.getTenant(await authenticate({ tenants }, apiKey)))?.name).toBe('Globex');
  });

  it("prints the local runtime's API key from its data dir with `tenants create --local`", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'parley-cli-'));
    await writeFile(join(dataDir, 'api-key'), 'prly_local_key_0123456789\n');

    const printed = await runCli(['tenants', 'create', '--local', '--data-dir', dataDir], { env: {} });

    expect(printed).toContain(`its API key (from ${join(dataDir, 'api-key')}): prly_local_key_0123456789`);
  });

  it('says plainly when the stack is not there', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(new Error('Stack with id Nope does not exist'));

    await expect(
      runCli(['create-tenant', '--stack', 'Nope', '--name', 'Acme'], {
        cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }),
      }),
    ).rejects.toThrow('cannot read stack Nope: Stack with id Nope does not exist');
  });

  it('prints the usage for an unknown command, a missing name or a missing API key', async () => {
    await expect(runCli(['create-tenant'])).rejects.toBeInstanceOf(UsageError);
    await expect(runCli(['launch-rockets', '--name', 'x'])).rejects.toBeInstanceOf(UsageError);
    await expect(runCli(['load-example', 'examples/cart-abandonment/setup.json'], { env: {} })).rejects.toBeInstanceOf(
      UsageError,
    );
    await expect(runCli(['tenants', 'create'], { env: {} })).rejects.toThrow('give the account a --name <name>');
    await expect(runCli(['kb', 'upload', 'a.txt', '--key', 'k'])).rejects.toThrow(
      'give one of --base <id> and --base-name <name>',
    );
    await expect(runCli(['ais', 'create', '--name', 'Ada', '--type', 'robot', '--key', 'k'])).rejects.toThrow(
      /--type <type>' argument 'robot' is invalid/,
    );
  });

  it('returns the help text for --help', async () => {
    const help = await runCli(['--help']);

    for (const command of ['dev', 'ais', 'kb', 'ask', 'conversations', 'keys', 'tenants', 'load-example']) {
      expect(help).toContain(`  ${command}`);
    }
  });
});
