/**
 * Configure-time check of a webhook URL: the scheme, no embedded credentials, a bounded length,
 * and a host that is not a literal address of a range Parley must never call (SSRF).
 *
 * Only literal IP hosts and `localhost` are judged here. A host name can resolve to anything, and
 * to something else later, so the sender checks every resolved address again when it calls (the
 * DNS-time check, which comes with the delivery path); this check only turns obvious mistakes and
 * probes away with a 400 when the URL is configured.
 */
import { BlockList, isIP } from 'node:net';
import { MAX_URL_CHARS } from '#lib/domain/limits/setup';

/**
 * `public`: the deployed default. `private`: private ranges allowed too (an operator's choice for a
 * receiver inside their network). `local`: loopback as well, for the local runtime only.
 */
export type WebhookTargetPolicy = 'public' | 'private' | 'local';

export type WebhookUrlCheck = { ok: true } | { ok: false; reason: string };

export interface WebhookUrlOptions {
  /**
   * Whether plain http is allowed under the `public` and `private` policies (it always is under
   * `local`). True unless said otherwise; the deployed default (`PARLEY_ALLOW_HTTP_WEBHOOKS`) is false.
   */
  allowHttp?: boolean;
}

type Family = 'ipv4' | 'ipv6';
type Range = readonly [network: string, prefix: number, family: Family];

function blockList(ranges: readonly Range[]): BlockList {
  const list = new BlockList();
  for (const [network, prefix, family] of ranges) list.addSubnet(network, prefix, family);
  return list;
}

/** Refused under every policy, most specific first (the metadata addresses sit inside the others). */
const ALWAYS_REFUSED: ReadonlyArray<{ what: string; list: BlockList }> = [
  {
    what: 'a cloud metadata address',
    list: blockList([
      ['169.254.169.254', 32, 'ipv4'],
      ['fd00:ec2::254', 128, 'ipv6'],
    ]),
  },
  {
    what: 'an unspecified address',
    list: blockList([
      ['0.0.0.0', 8, 'ipv4'],
      ['::', 128, 'ipv6'],
    ]),
  },
  {
    what: 'a link-local address',
    list: blockList([
      ['169.254.0.0', 16, 'ipv4'],
      ['fe80::', 10, 'ipv6'],
    ]),
  },
  {
    what: 'a multicast address',
    list: blockList([
      ['224.0.0.0', 4, 'ipv4'],
      ['ff00::', 8, 'ipv6'],
    ]),
  },
  { what: 'a reserved or broadcast address', list: blockList([['240.0.0.0', 4, 'ipv4']]) },
];

/** Refused unless the policy is `local`. */
const LOOPBACK = {
  what: 'a loopback address',
  list: blockList([
    ['127.0.0.0', 8, 'ipv4'],
    ['::1', 128, 'ipv6'],
  ]),
};

/** Refused under `public` only. */
const PRIVATE: ReadonlyArray<{ what: string; list: BlockList }> = [
  {
    what: 'a private address',
    list: blockList([
      ['10.0.0.0', 8, 'ipv4'],
      ['172.16.0.0', 12, 'ipv4'],
      ['192.168.0.0', 16, 'ipv4'],
      ['100.64.0.0', 10, 'ipv4'],
      ['fc00::', 7, 'ipv6'],
    ]),
  },
];

/**
 * Whether `url` may be configured as a webhook target under `policy`; when not, a reason fit for
 * a 400 response.
 */
export function checkWebhookUrl(
  url: string,
  policy: WebhookTargetPolicy,
  options: WebhookUrlOptions = {},
): WebhookUrlCheck {
  const problem = refusalForUrl(url, policy, options);
  return problem === undefined ? { ok: true } : refuse(problem);
}

/**
 * Why Parley must not call `url` under `policy`, judging only what the URL itself says (length,
 * scheme, https where `options.allowHttp` is false, credentials, a literal address or `localhost`), e.g. `host 10.0.0.1 is a private address`;
 * undefined when the URL may be called. Host names still have to be checked once resolved, with
 * {@link refusalForAddress}.
 */
export function refusalForUrl(
  url: string,
  policy: WebhookTargetPolicy,
  { allowHttp = true }: WebhookUrlOptions = {},
): string | undefined {
  if (url.length > MAX_URL_CHARS) return `must be at most ${MAX_URL_CHARS} characters`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a valid URL';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'must use http or https';
  if (parsed.protocol === 'http:' && !allowHttp && policy !== 'local') return 'must use https';
  if (parsed.username !== '' || parsed.password !== '') return 'must not contain credentials';

  // The WHATWG parser has already normalised the host: `127.1`, `0x7f.1` and `2130706433` all read
  // `127.0.0.1`; IPv6 keeps its brackets; a trailing dot is kept and means the same host.
  const host = parsed.hostname.replace(/\.$/, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return policy === 'local' ? undefined : `host ${host} is a loopback address`;
  }
  const address = host.startsWith('[') ? host.slice(1, -1) : host;
  if (isIP(address) === 0) return undefined;
  const what = refusalForAddress(address, policy);
  return what === undefined ? undefined : `host ${host} is ${what}`;
}

/**
 * What kind of refused address `address` (a literal IPv4 or IPv6 address, as DNS returns them) is
 * under `policy`, e.g. `a private address`; undefined when Parley may connect to it. Used on every
 * address a host name resolves to, at connect time, so a name cannot be re-pointed after a check.
 */
export function refusalForAddress(address: string, policy: WebhookTargetPolicy): string | undefined {
  // A zone index (`fe80::1%eth0`) names an interface, not a different address.
  const bare = address.replace(/%.*$/, '');
  const version = isIP(bare);
  if (version === 0) return 'an invalid address';
  const [checked, family] = embeddedIpv4(bare) ?? [bare, version === 4 ? 'ipv4' : 'ipv6'];
  const refused = [
    ...ALWAYS_REFUSED,
    ...(policy === 'local' ? [] : [LOOPBACK]),
    ...(policy === 'public' ? PRIVATE : []),
  ];
  return refused.find(({ list }) => list.check(checked, family))?.what;
}

function refuse(problem: string): WebhookUrlCheck {
  return { ok: false, reason: `webhook URL ${problem}` };
}

/**
 * The IPv4 address inside an IPv6 address that reaches that IPv4 host: IPv4-mapped
 * (`::ffff:a.b.c.d`), NAT64 (`64:ff9b::a.b.c.d`), IPv4-compatible (`::a.b.c.d`, deprecated but still
 * parsed) and 6to4 (`2002:aabb:ccdd::/48`, whose relay forwards to a.b.c.d); undefined for any
 * other address. `::` and `::1` are the IPv6 unspecified and loopback addresses, not IPv4-compatible.
 */
function embeddedIpv4(address: string): [string, 'ipv4'] | undefined {
  if (isIP(address) !== 6) return undefined;
  const groups = expandIpv6(address);
  const zeros = (from: number, to: number) => groups.slice(from, to).every((g) => g === 0);
  const isMapped = zeros(0, 5) && groups[5] === 0xffff;
  const isNat64 = groups[0] === 0x64 && groups[1] === 0xff9b && zeros(2, 6);
  const isCompatible = zeros(0, 6) && !(groups[6] === 0 && (groups[7] ?? 0) <= 1);
  if (groups[0] === SIX_TO_FOUR_PREFIX) return [ipv4Of(groups[1] ?? 0, groups[2] ?? 0), 'ipv4'];
  if (!isMapped && !isNat64 && !isCompatible) return undefined;
  return [ipv4Of(groups[6] ?? 0, groups[7] ?? 0), 'ipv4'];
}

/** The first group of every 6to4 address (`2002::/16`). */
const SIX_TO_FOUR_PREFIX = 0x2002;

function ipv4Of(high: number, low: number): string {
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/** The eight 16-bit groups of a valid IPv6 address (with `::` and a trailing dotted quad allowed). */
function expandIpv6(address: string): number[] {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}
