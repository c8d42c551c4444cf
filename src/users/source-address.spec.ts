import { sourceKey, UNKNOWN_SOURCE } from './source-address.js';

describe('sourceKey', () => {
  it.each([
    ['an IPv4 address', '203.0.113.7', '203.0.113.7'],
    ['an IPv4-mapped IPv6 address (a dual-stack socket)', '::ffff:127.0.0.2', '127.0.0.2'],
    ['an IPv6 address, by its /64', '2001:db8:1:2:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::/64'],
    ['another address of the same /64', '2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['IPv6 loopback', '::1', '::/64'],
    ['a link-local address with a zone', 'fe80::1%eth0', 'fe80::/64'],
  ])('counts %s as %j', (_case, address, key) => {
    expect(sourceKey(address)).toBe(key);
  });

  it('tells IPv6 networks apart', () => {
    expect(sourceKey('2001:db8:1:2::1')).not.toBe(sourceKey('2001:db8:1:3::1'));
  });

  it.each([undefined, '', 'not an address', '999.1.1.1'])('counts %j as unknown', (address) => {
    expect(sourceKey(address)).toBe(UNKNOWN_SOURCE);
  });
});
