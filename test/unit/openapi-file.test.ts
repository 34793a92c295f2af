import { readFile } from 'node:fs/promises';
import { OPENAPI_FILE, renderOpenApiDocument } from '#bin/write-openapi';

describe('docs/openapi.json', () => {
  it('is the document the API serves (run `npm run openapi` after changing a route or schema)', async () => {
    const committed = await readFile(OPENAPI_FILE, 'utf8');

    expect(committed).toBe(renderOpenApiDocument());
  });
});
