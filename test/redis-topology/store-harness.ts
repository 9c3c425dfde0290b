import { Logger } from '@nestjs/common';
import { type RedisTopology } from '../../src/options/redis-options.interface.js';
import { RedisCredentialStore } from '../../src/store/redis-credential-store.js';
import { ResilientCredentialStore } from '../../src/store/resilient-credential-store.js';
import { uniquePrefix } from '../support/redis.js';
import { sharedStoreHarness } from '../support/shared-store-harness.js';

/**
 * The store on `topology()` (read when a test opens it), as the module would open it, with
 * timeouts that a busy machine does not reach (a timeout is an outage, which a rule does not
 * expect); the store connects as soon as Redis answers.
 */
export function connectStore(
  topology: () => RedisTopology,
  keyPrefix = uniquePrefix(),
): Promise<RedisCredentialStore> {
  // Waiters must be woken by the change notice: a poll this slow cannot stand in for it.
  return RedisCredentialStore.connect(
    { topology: topology(), keyPrefix, operationTimeoutMs: 5000, pollIntervalMs: 60_000 },
    10_000,
  );
}

/** Conformance harnesses for the Redis store on `topology()` and for the resilient one over it. */
export function storeHarnesses(topology: () => RedisTopology) {
  const quiet = new Logger('store');
  return {
    redis: sharedStoreHarness((prefix) => connectStore(topology, prefix)),
    resilient: sharedStoreHarness(
      async (prefix) => new ResilientCredentialStore(await connectStore(topology, prefix), quiet),
    ),
  };
}
