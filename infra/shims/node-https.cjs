/** node:https through require: see infra/bundling.ts NODE_BUILTIN_SHIMS for why. */
module.exports = require('node:https');
