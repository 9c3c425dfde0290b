import { createHash, timingSafeEqual } from 'node:crypto';

// An even number of hex digits: Buffer.from(hex, 'hex') silently drops anything after the first
// non-hex digit (and an odd last digit), so a string is checked before it is decoded.
const HEX = /^(?:[0-9a-f]{2})+$/i;

/**
 * sha1 hex of the parts sorted lexicographically and joined: `signature` signs token, timestamp,
 * nonce; `msg_signature` and a reply's `MsgSignature` add the `Encrypt` value (wechat-push.md
 * sections 2 to 4).
 */
export function pushSignature(...parts: string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');
}

/** Whether `given` is the hex signature `expected`, compared in constant time; never throws. */
export function signatureMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  if (!HEX.test(given) || !HEX.test(expected)) return false;
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(given, 'hex'));
}
