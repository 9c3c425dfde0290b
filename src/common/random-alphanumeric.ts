import { randomBytes } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
// 248 = 4 x 62: bytes at or above it are dropped, so every character is equally likely (taken
// `% 62`, all 256 bytes would favour the first eight characters by a quarter).
const UNBIASED_BELOW = 248;

/**
 * A random token of `length` characters of a-zA-Z0-9 (what WeChat's `state` and `noncestr`
 * allow), every character equally likely. `bytes` is the random source, for tests.
 */
export function randomAlphanumeric(
  length: number,
  bytes: (size: number) => Uint8Array = randomBytes,
): string {
  let out = '';
  while (out.length < length) {
    // One byte in 32 is dropped: ask for a few more than needed.
    for (const byte of bytes(length - out.length + 8)) {
      if (byte < UNBIASED_BELOW && out.length < length) out += ALPHANUMERIC[byte % 62];
    }
  }
  return out;
}
