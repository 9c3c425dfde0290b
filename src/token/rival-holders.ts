import { type CredentialStore } from '../store/credential-store.interface.js';

// Per credential (`appId:label`), the stores that hold it in this process.
const holders = new Map<string, Map<CredentialStore, number>>();

/**
 * Records that `store` holds the credential `storeKey` in this process, and says how many other
 * stores hold it too: holders on different stores each fetch their own token from WeChat, and
 * each fetch invalidates the other's. `release` undoes the record (idempotent).
 */
export function claimCredential(
  storeKey: string,
  store: CredentialStore,
): { rivals: number; release(): void } {
  const stores = holders.get(storeKey) ?? new Map<CredentialStore, number>();
  holders.set(storeKey, stores);
  stores.set(store, (stores.get(store) ?? 0) + 1);
  let released = false;
  return {
    rivals: stores.size - 1,
    release() {
      if (released) return;
      released = true;
      const count = stores.get(store)! - 1;
      if (count > 0) stores.set(store, count);
      else stores.delete(store);
      if (stores.size === 0) holders.delete(storeKey);
    },
  };
}
