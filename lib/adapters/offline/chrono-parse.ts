/**
 * chrono's `parse` alone, for offline-follow-up.ts to import on first use: esbuild keeps every
 * export of a dynamically imported module, so importing chrono-node itself that way would bundle
 * all of its locales.
 */
export { parse } from 'chrono-node';
