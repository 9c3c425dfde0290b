/** A credential (access_token or ticket) as kept in the store; times are epoch milliseconds. */
export interface StoredCredential {
  value: string;
  fetchedAt: number;
  expiresAt: number;
}

/**
 * Where credentials are shared between the instances of a cluster, and the lock that lets one
 * instance at a time fetch a new one. The default keeps them in process memory; a Redis store
 * shares them across processes.
 */
export interface CredentialStore {
  get(key: string): Promise<StoredCredential | undefined>;
  set(key: string, credential: StoredCredential): Promise<void>;
  /** Deletes the credential only if its value is still `value`; true when it did. */
  deleteIfValue(key: string, value: string): Promise<boolean>;
  /** Takes the lock if free; returns the lease id to release it with, or undefined. */
  acquireLock(key: string, leaseMs: number): Promise<string | undefined>;
  /** Releases the lock only if `leaseId` still holds it. */
  releaseLock(key: string, leaseId: string): Promise<void>;
  /** Resolves when `key` is written, or after `timeoutMs`, whichever is first. */
  waitForChange(key: string, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Injection token of the `CredentialStore` in use. */
export const CREDENTIAL_STORE = Symbol('CredentialStore');
