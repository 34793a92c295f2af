/**
 * The dashboard's construct on its own (one function to bundle, so this synth is quick): its
 * routes on the API, its function, and the code asset, which must hold the built app and serve
 * it exactly as the local runtime does.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { DashboardHandler } from '#functions/dashboard';
import { WebDashboard } from '../../infra/constructs/web-dashboard.ts';
import { apiEvent } from '#test/support/http';
import { logicalId, SYNTH_TIMEOUT_MS } from './synth.ts';

let outdir: string;
let template: Template;
let assetDir: string;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'parley-cdk-dashboard-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'DashboardTest');
  const httpApi = new apigw.HttpApi(stack, 'HttpApi');
  new WebDashboard(stack, 'WebDashboard', { httpApi, logRetention: logs.RetentionDays.ONE_WEEK });
  const assembly = app.synth();
  template = Template.fromStack(stack);
  const fn = logicalId(template, 'AWS::Lambda::Function', 'WebDashboardFunction');
  const s3Key: string = template.toJSON().Resources[fn].Properties.Code.S3Key;
  assetDir = join(assembly.directory, `asset.${s3Key.replace(/\.zip$/, '')}`);
}, SYNTH_TIMEOUT_MS);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('the web dashboard construct', () => {
  it('routes GET / and GET /dashboard/{proxy+} to the dashboard function, payload 2.0', () => {
    const fn = logicalId(template, 'AWS::Lambda::Function', 'WebDashboardFunction');
    const [integrationId] = Object.keys(template.findResources('AWS::ApiGatewayV2::Integration'));

    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationUri: { 'Fn::GetAtt': [fn, 'Arn'] },
      PayloadFormatVersion: '2.0',
    });
    for (const routeKey of ['GET /', 'GET /dashboard/{proxy+}']) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: routeKey,
        Target: { 'Fn::Join': ['', ['integrations/', { Ref: integrationId }]] },
      });
    }
  });

  it('runs on Node.js 24, arm64, with tracing and its own log group', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Handler: 'index.handler',
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  it('ships the built app next to the bundle, and the bundle serves it', async () => {
    const files = readdirSync(join(assetDir, 'dashboard'));
    const { handler } = (await import(pathToFileURL(join(assetDir, 'index.mjs')).href)) as {
      handler: DashboardHandler;
    };

    const page = await handler(apiEvent('GET', '/'));
    const script = files.find((name) => name.endsWith('.js'))!;
    const asset = await handler(apiEvent('GET', `/dashboard/${script}`));

    expect(files).toHaveLength(3);
    expect(files).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^app-\w+\.css$/),
        expect.stringMatching(/^app-\w+\.js$/),
        'index.html',
      ]),
    );
    expect(existsSync(join(assetDir, 'index.mjs'))).toBe(true);
    expect(page).toMatchObject({ statusCode: 200, headers: { 'content-type': 'text/html; charset=utf-8' } });
    expect(page.body).toContain(`/dashboard/${script}`);
    expect(asset.statusCode).toBe(200);
  });
});
