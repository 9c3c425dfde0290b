import { randomFillSync } from 'node:crypto';

// One call to the system's generator per 4 KB instead of one per few bytes: on the push
// endpoint's hot path (16 random bytes and a nonce per encrypted reply) the call is what costs.
const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let offset = POOL_SIZE;

/** `size` cryptographically random bytes (at most 256), in a new Buffer. */
export function pooledRandomBytes(size: number): Buffer {
  if (!Number.isInteger(size) || size < 0 || size > 256) {
    throw new RangeError('pooledRandomBytes takes 0 to 256 bytes');
  }
  if (offset + size > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const bytes = Buffer.from(pool.subarray(offset, offset + size));
  // Each byte is handed out once: the copy above is the only one.
  pool.fill(0, offset, offset + size);
  offset += size;
  return bytes;
}
