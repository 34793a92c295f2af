/** node:http without an ES module import: infra/bundling.ts NODE_BUILTIN_SHIMS says why. */
module.exports = process.getBuiltinModule('node:http');
