import ipaddr from 'ipaddr.js';

/** The source of requests whose address is missing or not an IP address (never expected). */
export const UNKNOWN_SOURCE = 'unknown';

/**
 * The source a sign-in attempt is counted against (the lockout's pair is (email, source)): an IPv4
 * address as it is, IPv4-mapped IPv6 addresses (`::ffff:127.0.0.2`, what a dual-stack socket
 * reports) as their IPv4 address, and an IPv6 address by its /64 network. One host or subscriber
 * line is usually given a whole /64, so counting single IPv6 addresses would hand an attacker 2^64
 * fresh sources; the account-wide ceiling bounds what remains.
 */
export function sourceKey(address: string | undefined): string {
  if (!address || !ipaddr.isValid(address)) return UNKNOWN_SOURCE;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const network = ipaddr.IPv6.networkAddressFromCIDR(`${parsed.toString()}/64`);
  return `${network.toRFC5952String()}/64`;
}
