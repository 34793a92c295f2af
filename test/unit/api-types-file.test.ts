import { readFile } from 'node:fs/promises';
import { API_TYPES_FILE, renderApiTypes } from '#bin/write-api-types';
import { OPENAPI_FILE } from '#bin/write-openapi';

describe('dashboard/src/api-types.gen.ts', () => {
  it('is what openapi-typescript generates from docs/openapi.json (run `npm run openapi` after changing the API)', async () => {
    const document = await readFile(OPENAPI_FILE, 'utf8');

    const committed = await readFile(API_TYPES_FILE, 'utf8');

    expect(committed).toBe(await renderApiTypes(document));
  });
});
