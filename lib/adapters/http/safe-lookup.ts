/**
 * The connect-time half of Parley's SSRF defence: a DNS `lookup` for node:http(s) and node:net that
 * resolves a host name, refuses the connection if ANY of its addresses may not be called under the
 * target policy, and hands the socket exactly the addresses it checked. Because the check happens
 * inside the socket's own lookup, there is no second resolution for a re-pointed name (DNS
 * rebinding) to slip through.
 *
 * A literal IP host never reaches a lookup, so callers must still check the URL itself
 * (`refusalForUrl` in lib/domain/webhook-url.ts) before connecting.
 */
import type { LookupAddress } from 'node:dns';
import { lookup as lookupAll } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { ParleyError } from '#lib/domain/errors';
import { refusalForAddress, type WebhookTargetPolicy } from '#lib/domain/webhook-url';

/** Every address a host name resolves to. */
export type ResolveHost = (hostname: string) => Promise<LookupAddress[]>;

/** The system resolver, every address in the order it gives them. */
export const resolveWithDns: ResolveHost = (hostname) => lookupAll(hostname, { all: true, verbatim: true });

/** A host name resolved to an address the policy refuses; retrying will not help while DNS says so. */
export class RefusedAddressError extends ParleyError {
  override readonly name = 'RefusedAddressError';
  readonly code = 'ERR_REFUSED_ADDRESS';

  constructor(
    readonly hostname: string,
    readonly address: string,
    what: string,
  ) {
    super(`${hostname} resolves to ${what} (${address})`);
  }
}

/** A host name that did not resolve, or had no address of the family the socket asked for. */
export class UnresolvedHostError extends ParleyError {
  override readonly name = 'UnresolvedHostError';
  readonly code = 'ERR_UNRESOLVED_HOST';
}

export interface SafeLookupOptions {
  policy: WebhookTargetPolicy;
  /** DNS by default; tests give names addresses of their choosing. */
  resolve?: ResolveHost;
}

/**
 * Builds the `lookup` option for node:http(s) `request` (or `net.connect`). It fails with
 * {@link RefusedAddressError} when any resolved address is refused, {@link UnresolvedHostError}
 * when the name does not resolve; otherwise the socket gets the checked addresses.
 */
export function createSafeLookup(options: SafeLookupOptions): LookupFunction {
  const resolve = options.resolve ?? resolveWithDns;
  return (hostname, lookupOptions, callback) => {
    resolveAllowed(hostname, options.policy, resolve).then(
      (addresses) => {
        const usable = lookupOptions.family ? addresses.filter((a) => a.family === lookupOptions.family) : addresses;
        const first = usable[0];
        if (lookupOptions.all) callback(null, usable);
        else if (first) callback(null, first.address, first.family);
        else callback(new UnresolvedHostError(`${hostname} has no address of the kind needed`), '');
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}

/**
 * Every address `hostname` resolves to, each allowed under `policy`.
 * @throws RefusedAddressError if any one is refused; UnresolvedHostError if there are none
 */
export async function resolveAllowed(
  hostname: string,
  policy: WebhookTargetPolicy,
  resolve: ResolveHost = resolveWithDns,
): Promise<LookupAddress[]> {
  let addresses: LookupAddress[];
  try {
    addresses = await resolve(hostname);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOTFOUND' || code === 'ENODATA' ? 'was not found' : `could not be resolved (${code})`;
    throw new UnresolvedHostError(`the host ${hostname} ${reason}`, { cause: error });
  }
  if (addresses.length === 0) throw new UnresolvedHostError(`the host ${hostname} was not found`);
  for (const { address } of addresses) {
    const what = refusalForAddress(address, policy);
    if (what !== undefined) throw new RefusedAddressError(hostname, address, what);
  }
  return addresses;
}
