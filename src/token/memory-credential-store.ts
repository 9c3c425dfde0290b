import { randomUUID } from 'node:crypto';
import { type CredentialStore, type StoredCredential } from './credential-store.interface.js';

/** The default store: one process, no sharing. */
export class MemoryCredentialStore implements CredentialStore {
  private readonly credentials = new Map<string, StoredCredential>();
  private readonly locks = new Map<string, { leaseId: string; until: number }>();
  private readonly waiters = new Map<string, Set<() => void>>();

  async get(key: string): Promise<StoredCredential | undefined> {
    return this.credentials.get(key);
  }

  async set(key: string, credential: StoredCredential): Promise<void> {
    this.credentials.set(key, credential);
    this.wake(key);
  }

  async deleteIfValue(key: string, value: string): Promise<boolean> {
    if (this.credentials.get(key)?.value !== value) return false;
    this.credentials.delete(key);
    return true;
  }

  async acquireLock(key: string, leaseMs: number): Promise<string | undefined> {
    const held = this.locks.get(key);
    if (held && held.until > Date.now()) return undefined;
    const leaseId = randomUUID();
    this.locks.set(key, { leaseId, until: Date.now() + leaseMs });
    return leaseId;
  }

  async releaseLock(key: string, leaseId: string): Promise<void> {
    if (this.locks.get(key)?.leaseId === leaseId) this.locks.delete(key);
  }

  waitForChange(key: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const waiters = this.waiters.get(key) ?? new Set();
      this.waiters.set(key, waiters);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      waiters.add(done);
    });
  }

  async close(): Promise<void> {
    for (const key of [...this.waiters.keys()]) this.wake(key);
  }

  private wake(key: string): void {
    for (const done of [...(this.waiters.get(key) ?? [])]) done();
  }
}
