/**
 * Writes the OpenAPI document (what `GET /openapi.json` serves) to docs/openapi.json, the copy kept
 * in the repository for clients and reviewers. `npm run openapi`; a unit test fails when the copy
 * is stale.
 */
import { writeFile } from 'node:fs/promises';
import { buildOpenApiDocument } from '#functions/http/openapi';
import { API_VERSION, routes } from '#functions/http/routes/index';

export const OPENAPI_FILE = 'docs/openapi.json';

/** The document as it is written to the file: two-space JSON with a final newline. */
export function renderOpenApiDocument(): string {
  return `${JSON.stringify(buildOpenApiDocument(routes, API_VERSION), null, 2)}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await writeFile(OPENAPI_FILE, renderOpenApiDocument());
  process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
}
