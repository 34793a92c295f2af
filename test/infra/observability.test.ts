import { Match } from 'aws-cdk-lib/assertions';
import { FUNCTION_IDS, type Json, logicalId, SYNTH_TIMEOUT_MS, type Synthesised, synthParley } from './synth.ts';

let synth: Synthesised;
beforeAll(() => {
  synth = synthParley({ context: { alarmEmail: 'ops@example.com' } });
}, SYNTH_TIMEOUT_MS);
afterAll(() => synth?.cleanup());

const alarms = () => Object.values(synth.template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
const dimensionRef = (alarm: Record<string, Json>) =>
  alarm.Dimensions?.[0]?.Value?.Ref ?? alarm.Dimensions?.[0]?.Value?.['Fn::GetAtt']?.[0];

describe('alarms', () => {
  it('fire on any message in each dead-letter queue', () => {
    const dlqs = [
      'MessagingGenerationDlq',
      'MessagingDeliveryDlq',
      'KnowledgeIngestionDlq',
      'EvaluationsEvaluationDlq',
      'SchedulingTimerDlq',
    ].map((prefix) => logicalId(synth.template, 'AWS::SQS::Queue', prefix));
    const dlqAlarms = alarms().filter((alarm) => alarm.MetricName === 'ApproximateNumberOfMessagesVisible');

    expect(dlqAlarms.map((alarm) => alarm.Dimensions[0].Value['Fn::GetAtt'][0]).sort()).toEqual(dlqs.sort());
    for (const alarm of dlqAlarms) {
      expect(alarm).toMatchObject({ Namespace: 'AWS/SQS', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    }
  });

  it('fire on a failed delivery, from the metric the delivery code records', () => {
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Parley',
      MetricName: 'DeliveriesFailed',
      Dimensions: [{ Name: 'service', Value: 'parley' }],
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('fire when the chat model is unavailable, from the metric the generator and timer record', () => {
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Parley',
      MetricName: 'ModelUnavailable',
      Dimensions: [{ Name: 'service', Value: 'parley' }],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('fire on generator errors', () => {
    const generator = logicalId(synth.template, 'AWS::Lambda::Function', FUNCTION_IDS.generator);

    expect(
      alarms()
        .filter((a) => a.MetricName === 'Errors')
        .map(dimensionRef),
    ).toEqual([generator]);
  });

  it('fire when any function is throttled', () => {
    const functions = Object.values(FUNCTION_IDS).map((prefix) =>
      logicalId(synth.template, 'AWS::Lambda::Function', prefix),
    );

    expect(
      alarms()
        .filter((a) => a.MetricName === 'Throttles')
        .map(dimensionRef)
        .sort(),
    ).toEqual(functions.sort());
  });

  it('are e-mailed through one topic, when they fire and when they clear', () => {
    const topic = { Ref: logicalId(synth.template, 'AWS::SNS::Topic', 'ObservabilityAlarmTopic') };

    synth.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: topic,
    });
    expect(alarms().length).toBeGreaterThan(0);
    for (const alarm of alarms()) expect(alarm).toMatchObject({ AlarmActions: [topic], OKActions: [topic] });
  });

  it('publish to a topic that refuses plain HTTP', () => {
    synth.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('the dashboard', () => {
  const body = () =>
    JSON.stringify(
      Object.values(synth.template.findResources('AWS::CloudWatch::Dashboard'))[0]!.Properties.DashboardBody,
    );

  it('is one dashboard named after the stack, and an output', () => {
    synth.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    synth.template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'Parley-operations' });
    synth.template.hasOutput('DashboardName', { Value: { Ref: Match.stringLikeRegexp('^ObservabilityDashboard') } });
  });

  it.each([
    ['API requests, latency and errors', ['"AWS/ApiGateway","Count"', '"AWS/ApiGateway","Latency"', '"4xx"', '"5xx"']],
    ['function duration and errors', ['"AWS/Lambda","Duration"', '"AWS/Lambda","Errors"']],
    ['queue depth and age', ['ApproximateNumberOfMessagesVisible', 'ApproximateAgeOfOldestMessage']],
    ['dead letters', ['Dead letters']],
    ['deliveries', ['"Parley","DeliveriesFailed","service","parley"', '"Parley","DeliveriesSucceeded"']],
    ['replies the model could not write', ['"Parley","ModelUnavailable","service","parley"']],
  ])('shows %s', (_, fragments) => {
    for (const fragment of fragments) expect(body()).toContain(fragment.replaceAll('"', '\\"'));
  });
});
