import { type CredentialStore } from '../../src/store/credential-store.interface.js';
import { type CredentialStoreHarness } from '../../src/testing/index.js';
import { uniquePrefix } from './redis.js';

/**
 * A conformance harness of stores opened by `open(prefix)`: each new store gets a key prefix of
 * its own, and a store's peers (another instance of the cluster) share it.
 */
export function sharedStoreHarness(
  open: (prefix: string) => Promise<CredentialStore>,
): CredentialStoreHarness {
  const prefixes = new WeakMap<CredentialStore, string>();
  const opened = async (prefix: string) => {
    const store = await open(prefix);
    prefixes.set(store, prefix);
    return store;
  };
  return {
    create: () => opened(uniquePrefix()),
    createPeer: (store: CredentialStore) => opened(prefixes.get(store)!),
  };
}
