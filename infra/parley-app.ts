import { type App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseInfraConfig } from './config.ts';
import { ParleyStack } from './parley-stack.ts';

/**
 * Builds Parley into `app` from its context: the stack, a tag on everything, and cdk-nag's
 * AWS Solutions checks on every synth (CLI and tests). cdk-nag 3 is a CDK policy-validation
 * plugin: an unacknowledged error fails the synth, warnings go to the validation report (the infra
 * tests fail on either). Shared by infra/app.ts and the tests so both synthesise the same thing.
 */
export function addParleyStack(app: App): ParleyStack {
  const config = parseInfraConfig((key) => app.node.tryGetContext(key));
  const stack = new ParleyStack(app, config.stackName, {
    stackName: config.stackName,
    description: 'Parley: open-source AI sales and support agent',
    config,
  });
  Tags.of(stack).add('app', 'parley');
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return stack;
}
