import { createHash, timingSafeEqual } from 'node:crypto';

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
  if (typeof given !== 'string' || given.length !== expected.length || given.length === 0) {
    return false;
  }
  const want = Buffer.from(expected, 'hex');
  const got = Buffer.from(given, 'hex');
  // The decoder stops at the first character that is not a hex digit, so a short result means
  // the string was not all hex.
  if (want.length * 2 !== expected.length || got.length !== want.length) return false;
  return timingSafeEqual(want, got);
}
