#!/usr/bin/env node
// The package's `parley` bin: registers tsx so Node runs the TypeScript CLI (and the local runtime
// that `parley dev` starts) without a build step, then hands over to bin/parley.ts.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./parley.ts');
await main();
