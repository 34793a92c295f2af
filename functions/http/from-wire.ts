/** The contract's snake_case request fields → domain values, for what the routes hand the use cases. */
import type { Channel, Contact, OutputFormat } from '#lib/domain/types';
import { compact } from '#functions/http/presenters/compact';

/**
 * Wire fields → domain fields: `names` maps each domain field to the wire field it comes from.
 * Fields absent (or undefined) on the wire are left out; null is kept, since in a PATCH it clears.
 */
export function fromWire<S extends object, const M extends Record<string, keyof S>>(
  wire: S,
  names: M,
): { [K in keyof M]: S[M[K]] } {
  return Object.fromEntries(
    Object.entries(names)
      .map(([field, wireField]) => [field, wire[wireField as keyof S]])
      .filter(([, value]) => value !== undefined),
  );
}

/** Wire contact (snake_case) → domain contact. */
export function toContact(wire: {
  first_name?: string;
  last_name?: string;
  email?: string;
  phone?: string;
  timezone?: string;
  handles?: Record<string, string>;
}): Contact {
  return compact({
    firstName: wire.first_name,
    lastName: wire.last_name,
    email: wire.email,
    phone: wire.phone,
    timezone: wire.timezone,
    handles: wire.handles,
  });
}

/** The optional message fields V1 and V2 share (contact, channel, output format), wire → domain. */
export function toMessageOptions(wire: {
  contact?: Parameters<typeof toContact>[0];
  channel?: Channel;
  output_format?: OutputFormat;
}): { contact?: Contact; channel?: Channel; outputFormat?: OutputFormat } {
  return compact({
    contact: wire.contact ? toContact(wire.contact) : undefined,
    channel: wire.channel,
    outputFormat: wire.output_format,
  });
}
