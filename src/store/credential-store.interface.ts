/** A credential (access_token or ticket) as kept in the store; times are epoch milliseconds. */
export interface StoredCredential {
  value: string;
  fetchedAt: number;
  expiresAt: number;
  /**
   * Set when WeChat answered a refresh with the credential it had already given (it renews a
   * jsapi_ticket only once it expires): asking again before this moment brings nothing new.
   */
  renewableAt?: number;
}

/**
 * Where credentials are shared between the instances of a cluster, and the lock that lets one
 * instance at a time fetch a new one. The default keeps them in process memory; the Redis store
 * shares them across processes.
 */
export interface CredentialStore {
  get(key: string): Promise<StoredCredential | undefined>;
  /**
   * Stores the credential unless the stored one was fetched later (of two fetched in the same
   * millisecond, the greater value counts as the later: `isNewerCredential`): of two tokens,
   * WeChat honours the newer, so the newer must win. Wakes the waiters and watchers of `key`.
   */
  set(key: string, credential: StoredCredential): Promise<void>;
  /** Deletes the credential only if its value is still `value`; true when it did. */
  deleteIfValue(key: string, value: string): Promise<boolean>;
  /**
   * Takes the lock if free; returns the lease id to release it with, or undefined. A shared store
   * that answers but refuses writes rejects (`StoreRefusedError`) rather than lend a lease of
   * this process alone.
   */
  acquireLock(key: string, leaseMs: number): Promise<string | undefined>;
  /** Releases the lock only if `leaseId` still holds it. */
  releaseLock(key: string, leaseId: string): Promise<void>;
  /**
   * Makes the lease `leaseId` last `leaseMs` from now, if it still holds the lock; true when it
   * did. Optional: without it, work that outlives a lease cannot keep it (push handlers then hold
   * their claim for the whole retry window).
   */
  extendLock?(key: string, leaseId: string, leaseMs: number): Promise<boolean>;
  /** Resolves when `key` is written, or after `timeoutMs`, whichever is first. Never rejects. */
  waitForChange(key: string, timeoutMs: number): Promise<void>;
  /** Adds one to a counter that lives `ttlMs` from its first increment; the new count. */
  increment(key: string, ttlMs: number): Promise<number>;
  readCounter(key: string): Promise<number>;
  /** Keeps a short-lived entry (an OAuth state) for `ttlMs`. */
  putEntry(key: string, value: string, ttlMs: number): Promise<void>;
  /** Reads and deletes an entry in one atomic step: of concurrent takers, one gets it. */
  takeEntry(key: string): Promise<string | undefined>;
  /**
   * Calls `listener` whenever another process writes `key` (shared stores only). May return a
   * function that stops it (an account removed); a store that returns nothing keeps the listener.
   */
  watch?(key: string, listener: () => void): (() => void) | void;
  /** Calls `listener` when a shared store answers again after an outage; may return a stop. */
  onRecovered?(listener: () => void): (() => void) | void;
  /** True while a shared store is unreachable and this process works on its own. */
  isDegraded?(): boolean;
  /**
   * Why a shared store that answers refuses writes (a full Redis, a read-only replica), or
   * undefined. Locks are then refused, never taken in this process alone.
   */
  refusal?(): string | undefined;
  close(): Promise<void>;
}

/** Injection token of the `CredentialStore` in use. */
export const CREDENTIAL_STORE = Symbol('CredentialStore');
