import { randomUUID } from 'node:crypto';
import { systemClock, type WeChatClock } from '../clock/wechat-clock.js';
import { type CredentialStore, type StoredCredential } from './credential-store.interface.js';
import { isNewerCredential } from './credential-order.js';
import { KeyWaiters } from './key-waiters.js';

const MAX_ENTRIES = 100_000;
// Every this many writes, expired credentials, counters and leases are swept: pushes write one
// of each per message, and every completed sign-in leaves a lease (its spent state), so without
// it a long-running process would keep them all.
const SWEEP_EVERY_WRITES = 1024;

/**
 * The default store: one process, no sharing. Also the fallback of a shared store in an outage.
 * Leases, counters and entries expire on `clock` (the module's).
 */
export class MemoryCredentialStore implements CredentialStore {
  private readonly credentials = new Map<string, StoredCredential>();
  private readonly locks = new Map<string, { leaseId: string; until: number }>();
  private readonly counters = new Map<string, { count: number; until: number }>();
  private readonly waiters: KeyWaiters;
  private readonly entries = new Map<string, { value: string; until: number }>();
  private writesSinceSweep = 0;

  constructor(private readonly clock: WeChatClock = systemClock) {
    this.waiters = new KeyWaiters(clock);
  }

  async get(key: string): Promise<StoredCredential | undefined> {
    return this.credentials.get(key);
  }

  async set(key: string, credential: StoredCredential): Promise<void> {
    const current = this.credentials.get(key);
    if (current && !isNewerCredential(credential, current)) return;
    this.noteWrite();
    this.credentials.set(key, credential);
    this.waiters.wake(key);
  }

  async deleteIfValue(key: string, value: string): Promise<boolean> {
    if (this.credentials.get(key)?.value !== value) return false;
    this.credentials.delete(key);
    return true;
  }

  async acquireLock(key: string, leaseMs: number): Promise<string | undefined> {
    const held = this.locks.get(key);
    if (held && held.until > this.clock.now()) return undefined;
    this.noteWrite();
    const leaseId = randomUUID();
    this.locks.set(key, { leaseId, until: this.clock.now() + leaseMs });
    return leaseId;
  }

  async releaseLock(key: string, leaseId: string): Promise<void> {
    if (this.locks.get(key)?.leaseId === leaseId) this.locks.delete(key);
  }

  async extendLock(key: string, leaseId: string, leaseMs: number): Promise<boolean> {
    const held = this.locks.get(key);
    if (!held || held.leaseId !== leaseId || held.until <= this.clock.now()) return false;
    held.until = this.clock.now() + leaseMs;
    return true;
  }

  waitForChange(key: string, timeoutMs: number): Promise<void> {
    return this.waiters.wait(key, timeoutMs);
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    const now = this.clock.now();
    const current = this.counters.get(key);
    const counter = current && current.until > now ? current : { count: 0, until: now + ttlMs };
    if (counter !== current) this.noteWrite();
    counter.count += 1;
    this.counters.set(key, counter);
    return counter.count;
  }

  async readCounter(key: string): Promise<number> {
    const counter = this.counters.get(key);
    return counter && counter.until > this.clock.now() ? counter.count : 0;
  }

  async putEntry(key: string, value: string, ttlMs: number): Promise<void> {
    if (this.entries.size >= MAX_ENTRIES) this.evictEntries();
    this.entries.delete(key);
    this.entries.set(key, { value, until: this.clock.now() + ttlMs });
  }

  async takeEntry(key: string): Promise<string | undefined> {
    const entry = this.entries.get(key);
    this.entries.delete(key);
    return entry && entry.until > this.clock.now() ? entry.value : undefined;
  }

  async close(): Promise<void> {
    this.waiters.wakeAll();
  }

  private noteWrite(): void {
    if (++this.writesSinceSweep < SWEEP_EVERY_WRITES) return;
    this.writesSinceSweep = 0;
    const now = this.clock.now();
    for (const [key, credential] of this.credentials) {
      if (credential.expiresAt <= now) this.credentials.delete(key);
    }
    for (const [key, counter] of this.counters) if (counter.until <= now) this.counters.delete(key);
    // Leases nobody releases: spent OAuth states, push claims of a process that died.
    for (const [key, lock] of this.locks) if (lock.until <= now) this.locks.delete(key);
  }

  // Expired entries go first; if all are alive, the oldest go (a flood of unauthenticated
  // requests must not grow memory without bound).
  private evictEntries(): void {
    const now = this.clock.now();
    for (const [key, entry] of this.entries) if (entry.until <= now) this.entries.delete(key);
    for (const key of this.entries.keys()) {
      if (this.entries.size < MAX_ENTRIES * 0.9) break;
      this.entries.delete(key);
    }
  }
}
