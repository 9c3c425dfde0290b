import { type CredentialStore } from '../../store/credential-store.interface.js';

/** How the conformance suite opens and closes the store under test. */
export interface CredentialStoreHarness<S extends CredentialStore = CredentialStore> {
  /** A new store with nothing in it (for a shared store: a key prefix of its own). */
  create(): Promise<S>;
  /**
   * A second store onto the same data as `store`, as another process would open it. Shared
   * stores should give one: the lock and the wake-ups are then checked across the two.
   */
  createPeer?(store: S): Promise<S>;
  /** Closes a store the suite opened; `store.close()` by default. */
  destroy?(store: S): Promise<void>;
}

/** The store a check runs against, and its peer (the same store when there is none). */
export interface StoresUnderTest {
  store: CredentialStore;
  peer: CredentialStore;
  /** Closes `store` within the check (the harness does not close it again). */
  closeStore(): Promise<void>;
}

/** Opens the stores for one check, runs it, and closes whatever is still open. */
export async function withStores<S extends CredentialStore>(
  harness: CredentialStoreHarness<S>,
  check: (stores: StoresUnderTest) => Promise<void>,
): Promise<void> {
  const open = new Set<S>();
  const destroy = (store: S) => (harness.destroy ? harness.destroy(store) : store.close());
  try {
    const store = await harness.create();
    open.add(store);
    const peer = harness.createPeer ? await harness.createPeer(store) : store;
    open.add(peer);
    await check({
      store,
      peer,
      closeStore: async () => {
        open.delete(store);
        await destroy(store);
      },
    });
  } finally {
    await Promise.all([...open].map(destroy));
  }
}
