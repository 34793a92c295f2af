/**
 * `tsx dashboard/write-assets.ts <directory>`: builds the dashboard into a directory. The CDK app
 * runs it after bundling the dashboard function, so the files ship in the function's code asset.
 */
import { writeDashboard } from './build.ts';

const directory = process.argv[2];
if (!directory) {
  process.stderr.write('usage: tsx dashboard/write-assets.ts <directory>\n');
  process.exit(2);
}
await writeDashboard(directory);
