import { checkWebhookUrl } from '#lib/domain/webhook-url';
import { MAX_URL_CHARS } from '#lib/domain/limits/setup';

const longUrl = `https://hooks.example.com/${'a'.repeat(MAX_URL_CHARS)}`;
const longestUrl = `https://hooks.example.com/${'a'.repeat(MAX_URL_CHARS - 'https://hooks.example.com/'.length)}`;

describe('checkWebhookUrl', () => {
  // [url, allowed under 'public', allowed under 'local', words the refusal reason contains]
  const cases: Array<[string, boolean, boolean, string?]> = [
    ['https://hooks.zapier.com/hooks/catch/123/abc/', true, true],
    ['http://example.com:8080/hook?x=1', true, true],
    ['https://93.184.216.34/hook', true, true],
    ['https://[2606:2800:220:1:248:1893:25c8:1946]/hook', true, true],
    [longestUrl, true, true],
    // Always refused: metadata, link-local, unspecified, multicast.
    ['http://169.254.169.254/latest/meta-data/', false, false, 'metadata'],
    ['http://[fd00:ec2::254]/latest/meta-data/', false, false, 'metadata'],
    ['http://[::ffff:169.254.169.254]/', false, false, 'metadata'],
    ['http://[64:ff9b::169.254.169.254]/', false, false, 'metadata'],
    ['http://[::169.254.169.254]/', false, false, 'metadata'],
    ['http://[2002:a9fe:a9fe::1]/', false, false, 'metadata'],
    ['http://[2002:a9fe:1::]/', false, false, 'link-local'],
    ['http://169.254.10.20/', false, false, 'link-local'],
    ['http://[fe80::1]/', false, false, 'link-local'],
    ['http://0.0.0.0:3000/', false, false, 'unspecified'],
    ['http://0/', false, false, 'unspecified'],
    ['http://[::]/', false, false, 'unspecified'],
    ['http://224.0.0.1/', false, false, 'multicast'],
    ['http://[ff02::1]/', false, false, 'multicast'],
    ['http://255.255.255.255/', false, false, 'broadcast'],
    // Loopback: refused in public, allowed for local development.
    ['http://localhost:3000/hook', false, true, 'loopback'],
    ['http://LOCALHOST./hook', false, true, 'loopback'],
    ['http://api.localhost/hook', false, true, 'loopback'],
    ['http://127.0.0.1:8080/hook', false, true, 'loopback'],
    ['http://127.1/hook', false, true, 'loopback'],
    ['http://2130706433/hook', false, true, 'loopback'],
    ['http://[::1]:8080/hook', false, true, 'loopback'],
    ['http://[::ffff:127.0.0.1]/hook', false, true, 'loopback'],
    ['http://[::127.0.0.1]/hook', false, true, 'loopback'],
    ['http://[2002:7f00:1::]/hook', false, true, 'loopback'],
    ['http://[64:ff9b::7f00:1]/hook', false, true, 'loopback'],
    // Private: refused in public, allowed for local development.
    ['http://10.0.0.1/hook', false, true, 'private'],
    ['http://172.16.0.1/hook', false, true, 'private'],
    ['http://172.31.255.255/hook', false, true, 'private'],
    ['http://192.168.1.1/hook', false, true, 'private'],
    ['http://100.64.0.1/hook', false, true, 'private'],
    ['http://[fd12:3456::1]/hook', false, true, 'private'],
    ['http://[64:ff9b::10.0.0.1]/hook', false, true, 'private'],
    ['http://[::ffff:192.168.1.1]/hook', false, true, 'private'],
    ['http://[::10.0.0.1]/hook', false, true, 'private'],
    ['http://[::a00:1]/hook', false, true, 'private'],
    ['http://[2002:c0a8:101::1]/hook', false, true, 'private'],
    ['http://[2002:0a00:0001:1234::5]/hook', false, true, 'private'],
    // An embedded public IPv4 address is as good as the address itself.
    ['http://[2002:5db8:d822::1]/hook', true, true],
    ['http://[::ffff:93.184.216.34]/hook', true, true],
    ['http://[64:ff9b::93.184.216.34]/hook', true, true],
    // Just outside the private ranges.
    ['http://172.32.0.1/hook', true, true],
    ['http://100.128.0.1/hook', true, true],
    // Not a webhook URL at all.
    ['ftp://files.example.com/hook', false, false, 'http'],
    ['javascript:alert(1)', false, false, 'http'],
    ['https://user:pass@hooks.example.com/hook', false, false, 'credentials'],
    ['https://token@hooks.example.com/hook', false, false, 'credentials'],
    ['hooks.example.com/hook', false, false, 'not a valid URL'],
    ['', false, false, 'not a valid URL'],
    ['http://[fe80::1%25eth0]/', false, false, 'not a valid URL'],
    [longUrl, false, false, `${MAX_URL_CHARS} characters`],
  ];

  const rows = cases.map(([url, allowedInPublic, allowedInLocal, reason]) => ({
    name: url.length > 80 ? `${url.slice(0, 40)}… (${url.length} characters)` : url || '(empty)',
    url,
    allowedInPublic,
    allowedInLocal,
    reason,
  }));

  it.each(rows)('judges $name: public $allowedInPublic, local $allowedInLocal', (row) => {
    const underPublic = checkWebhookUrl(row.url, 'public');
    const underLocal = checkWebhookUrl(row.url, 'local');

    expect(underPublic.ok).toBe(row.allowedInPublic);
    expect(underLocal.ok).toBe(row.allowedInLocal);
    for (const result of [underPublic, underLocal]) {
      if (!result.ok) expect(result.reason).toContain(row.reason);
    }
  });

  // `private` sits between the two: private ranges as under `local`, loopback refused as under `public`.
  it.each(rows)('judges $name under private', (row) => {
    const expected = row.reason === 'loopback' ? false : row.allowedInLocal;

    expect(checkWebhookUrl(row.url, 'private').ok).toBe(expected);
  });

  it('names the offending host in the reason', () => {
    const result = checkWebhookUrl('http://169.254.169.254/latest/meta-data/', 'public');

    expect(result).toEqual({ ok: false, reason: 'webhook URL host 169.254.169.254 is a cloud metadata address' });
  });
});
