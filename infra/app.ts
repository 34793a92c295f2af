/**
 * The CDK app (cdk.json: `npx tsx infra/app.ts`): `npm run synth` and `npm run deploy`. Settings
 * come from CDK context, e.g. `npm run deploy -- -c alarmEmail=ops@example.com`; see infra/config.ts.
 */
import { App } from 'aws-cdk-lib';
import { InfraConfigError } from './config.ts';
import { addParleyStack } from './parley-app.ts';

const app = new App();
try {
  addParleyStack(app);
} catch (error) {
  // A settings mistake gets its sentence, not a stack trace.
  if (!(error instanceof InfraConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
app.synth();
