/**
 * Browsers put capitals in their multipart boundaries (`----WebKitFormBoundaryAbC…`), and a
 * boundary is case-sensitive: an upload from the dashboard must parse.
 */
import { createHttpHandler } from '#functions/http/router';
import { routes } from '#functions/http/routes/index';
import { ensureTenantForKey } from '#lib/app/tenants';
import { makeFakeDeps } from '#test/support/fakes';
import { apiEvent, httpClient } from '#test/support/http';
import { TEST_API_KEY } from '#test/support/scenario';

const BOUNDARY = '----WebKitFormBoundaryQKMuLDSqzhVIwaan';

describe('a multipart upload with a browser’s mixed-case boundary', () => {
  it('is parsed, and the file becomes a queued document', async () => {
    const deps = makeFakeDeps({ webhookTargets: 'public' });
    await ensureTenantForKey(deps, { apiKey: TEST_API_KEY, tenantName: 'Test' });
    const base = await httpClient(deps, TEST_API_KEY)('POST', '/v1/knowledge-bases', { name: 'Help centre' });
    const body = [
      `--${BOUNDARY}`,
      'Content-Disposition: form-data; name="file"; filename="refunds.md"',
      'Content-Type: text/markdown',
      '',
      '# Refunds\n\nWithin 30 days.',
      `--${BOUNDARY}--`,
      '',
    ].join('\r\n');

    const result = await createHttpHandler(routes)(deps, {
      ...apiEvent('POST', `/v1/knowledge-bases/${base.body.id}/documents`, {
        body: Buffer.from(body).toString('base64'),
        headers: {
          authorization: `Bearer ${TEST_API_KEY}`,
          'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
        },
      }),
      isBase64Encoded: true,
    });

    expect(result.statusCode).toBe(202);
    expect(JSON.parse(result.body ?? '{}')).toMatchObject({ status: 'queued', source: { filename: 'refunds.md' } });
  });
});
