import { describe, expect, it } from '@jest/globals';
import { isPublicAddress } from './public-address.js';

describe('isPublicAddress', () => {
  it.each([
    '203.205.137.73',
    '61.182.130.30',
    '8.8.8.8',
    '2402:4e00::1',
    '::ffff:203.205.137.73',
    '64:ff9b::cbcd:8949',
    '::ffff:0:203.205.137.73',
  ])('%s is public', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it.each([
    ['loopback', '127.0.0.1'],
    ['loopback, elsewhere in 127/8', '127.1.2.3'],
    ['unspecified', '0.0.0.0'],
    ['private', '10.1.2.3'],
    ['private', '172.16.0.1'],
    ['private', '192.168.1.1'],
    ['shared (carrier NAT)', '100.64.0.1'],
    ['link-local (cloud metadata)', '169.254.169.254'],
    ['multicast', '224.0.0.1'],
    ['broadcast', '255.255.255.255'],
    ['IPv6 loopback', '::1'],
    ['IPv6 unspecified', '::'],
    ['IPv6 unique local', 'fd00::1'],
    ['IPv6 link-local', 'fe80::1'],
    ['IPv6 link-local with a zone', 'fe80::1%eth0'],
    ['IPv4-mapped loopback', '::ffff:127.0.0.1'],
    ['IPv4-mapped loopback, in hex', '::ffff:7f00:1'],
    ['IPv4-mapped metadata', '::ffff:169.254.169.254'],
    ['NAT64 of a private address', '64:ff9b::a00:1'],
    ['IPv4-translated loopback (RFC 6145)', '::ffff:0:127.0.0.1'],
    ['IPv4-translated metadata, in hex', '::ffff:0:a9fe:a9fe'],
    ['local-use NAT64 (RFC 8215), whatever it carries', '64:ff9b:1::cbcd:8949'],
    ['not an address', 'localhost'],
  ])('%s %s is not', (_label, address) => {
    expect(isPublicAddress(address)).toBe(false);
  });
});
