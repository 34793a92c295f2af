import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';

/** The outputs of a deployed Parley stack, by output key (`ApiUrl`, `TableName`, …). */
export type StackOutputs = Record<string, string>;

/**
 * Reads a deployed stack's outputs with the caller's AWS credentials. Throws naming the stack if
 * it does not exist or has no outputs (not deployed yet, or deployed to another region).
 */
export async function readStackOutputs(
  stackName: string,
  client = new CloudFormationClient({}),
): Promise<StackOutputs> {
  let stacks: Stack[] | undefined;
  try {
    ({ Stacks: stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName })));
  } catch (error) {
    throw new Error(`cannot read stack ${stackName}: ${(error as Error).message}`, { cause: error });
  }
  const outputs = stacks?.[0]?.Outputs ?? [];
  if (outputs.length === 0) throw new Error(`stack ${stackName} has no outputs: is it deployed in this region?`);
  return Object.fromEntries(
    outputs.flatMap((o) => (o.OutputKey && o.OutputValue ? [[o.OutputKey, o.OutputValue]] : [])),
  );
}
