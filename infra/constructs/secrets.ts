import { CfnDeletionPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ENV } from '#lib/config';
import { acknowledgeNag } from '../nag.ts';
import type { LambdaFunction } from './lambda-function.ts';

/**
 * The OpenAI API key, kept out of the template and the functions' environment; made only when the
 * stack's model provider is `openai`. The stack creates the secret empty (no SecretString, no
 * GenerateSecretString), so no deploy can ever write over the key the operator puts in with
 * `aws secretsmanager put-secret-value`; until then the code finds no value, and every answer is
 * escalated (`model_unavailable`) rather than made up. Retained on delete.
 */
export class Secrets extends Construct {
  readonly openAiKey: secretsmanager.CfnSecret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.openAiKey = new secretsmanager.CfnSecret(this, 'OpenAiKey', {
      description:
        'OpenAI API key for Parley. Empty until you put the key in; until then Parley answers no prospect and escalates every message (model_unavailable).',
    });
    this.openAiKey.cfnOptions.deletionPolicy = CfnDeletionPolicy.RETAIN;
    this.openAiKey.cfnOptions.updateReplacePolicy = CfnDeletionPolicy.RETAIN;
    acknowledgeNag(
      this.openAiKey,
      'SMG4',
      'The OpenAI key is issued and revoked at OpenAI; no Secrets Manager rotation function can mint a new one.',
    );
  }

  /** secretsmanager:GetSecretValue on the OpenAI key only, and its ARN in ENV.openAiSecretArn. */
  grantRead(fn: LambdaFunction): void {
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.openAiKey.ref] }),
    );
    fn.addEnvironment(ENV.openAiSecretArn, this.openAiKey.ref);
  }
}
