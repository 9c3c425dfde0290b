import { BlockList, isIPv4, isIPv6 } from 'node:net';

// Special-purpose ranges (IANA registries): loopback, private, shared, link-local, documentation,
// benchmarking, multicast, reserved. None of them is a host of WeChat's on the internet.
const IPV4_NON_PUBLIC: [string, number][] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];

// Unspecified, loopback and IPv4-compatible (::/96), local-use IPv4/IPv6 translation (RFC 8215,
// never routed on the internet), discard, IETF protocol assignments (Teredo among them),
// documentation, 6to4, unique local, link-local, site-local, multicast.
const IPV6_NON_PUBLIC: [string, number][] = [
  ['::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
];

const NON_PUBLIC = new BlockList();
for (const [network, prefix] of IPV4_NON_PUBLIC) NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of IPV6_NON_PUBLIC) NON_PUBLIC.addSubnet(network, prefix, 'ipv6');

/**
 * True for an address on the public internet; false for loopback, private, link-local and other
 * special-purpose addresses, including IPv4 ones written as IPv6 (`::ffff:127.0.0.1`, NAT64).
 */
export function isPublicAddress(address: string): boolean {
  if (isIPv4(address)) return !NON_PUBLIC.check(address, 'ipv4');
  // A zone index (`fe80::1%eth0`) names an interface, not another address.
  const bare = address.replace(/%.*$/, '');
  if (!isIPv6(bare)) return false;
  const embedded = embeddedIPv4(bare);
  if (embedded !== undefined) return isPublicAddress(embedded);
  return !NON_PUBLIC.check(bare, 'ipv6');
}

/**
 * The IPv4 address an IPv4-mapped (`::ffff:0:0/96`), IPv4-translated (`::ffff:0:0:0/96`, RFC
 * 6145) or NAT64 (`64:ff9b::/96`, RFC 6052) address carries.
 */
function embeddedIPv4(address: string): string | undefined {
  const groups = ipv6Groups(address);
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  const translated =
    groups.slice(0, 4).every((g) => g === 0) && groups[4] === 0xffff && groups[5] === 0;
  const nat64 = groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => !g);
  if (!mapped && !translated && !nat64) return undefined;
  return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a dotted tail converted). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const parse = (part: string) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  const zeros = new Array<number>(8 - front.length - back.length).fill(0);
  return [...front, ...zeros, ...back];
}
