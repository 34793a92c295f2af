import { Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { readValidationReport, SYNTH_TIMEOUT_MS, type Synthesised, synthParley } from './synth.ts';

let synth: Synthesised;
beforeAll(() => {
  // With an alarm e-mail, so the optional SNS topic is checked too.
  synth = synthParley({ context: { alarmEmail: 'ops@example.com' } });
}, SYNTH_TIMEOUT_MS);
afterAll(() => synth?.cleanup());

/** Every acknowledgement in the tree: construct path, rule id and reason. */
function acknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions checks', () => {
  it('leave no unacknowledged error or warning in the validation report', () => {
    const report = readValidationReport(synth.assembly);

    expect(report.pluginReports.flatMap((plugin) => plugin.violations ?? [])).toEqual([]);
  });

  it('leave no error or warning annotations on the stack', () => {
    const annotations = Annotations.fromStack(synth.stack);

    expect(annotations.findError('*', Match.anyValue())).toEqual([]);
    expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
  });

  it('justify every acknowledgement with a sentence', () => {
    const acks = acknowledgements(synth.stack);

    expect(acks.length).toBeGreaterThan(0);
    for (const { id, reason } of acks) {
      expect(id).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      expect(reason).toMatch(/^[A-Z].{30,}\.$/);
    }
  });

  it('run on every synth: a non-compliant resource fails it', () => {
    const withBadQueue = synthParley.bind(null, {
      context: { stackName: 'NagControl' },
      beforeSynth: (stack) => {
        new sqs.Queue(stack, 'UnencryptedQueue', { encryption: sqs.QueueEncryption.UNENCRYPTED });
      },
    });

    expect(withBadQueue).toThrow(/AwsSolutions-SQS/);
  });
});
