/**
 * cdk-nag 3 acknowledgements. cdk-nag reports through CDK's policy validation, and an
 * acknowledgement is `Validations.of(scope).acknowledge()` on the resource or an ancestor. Findings
 * of rules that report several per resource (IAM5) are acknowledged one by one, by their exact id.
 */
import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Acknowledges AwsSolutions-`rule` (or one `finding` of it) on `scope` and everything under it. */
export function acknowledgeNag(scope: IConstruct, rule: string, reason: string, finding?: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions-${rule}${finding ? `[${finding}]` : ''}`, reason });
}

/** How cdk-nag writes a reference to a resource in a finding: `<LogicalId>` or `<LogicalId.Attr>`. */
export function nagRef(resource: IConstruct, attribute?: string): string {
  const cfn = (resource.node.defaultChild ?? resource) as CfnElement;
  const logicalId = Stack.of(resource).getLogicalId(cfn);
  return attribute ? `<${logicalId}.${attribute}>` : `<${logicalId}>`;
}
