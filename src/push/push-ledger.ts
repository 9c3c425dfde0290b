import { type LoggerService } from '@nestjs/common';
import { type WeChatClock } from '../clock/wechat-clock.js';
import { type CredentialStore } from '../store/credential-store.interface.js';
import { MemoryCredentialStore } from '../store/memory-credential-store.js';
import { StoreRefusedError } from '../store/store-refused.error.js';
import { type WeChatReplyMessage } from './push-reply.js';
import { accountKey } from '../store/account-keys.js';

/** What a push's handler came to: its reply, or none (WeChat gets "success"). */
export interface PushOutcome {
  reply?: WeChatReplyMessage;
}

/**
 * The shared record of each push across the cluster, kept in the module's store: a claim (a
 * lease: who runs the handler), the outcome once it ran (for every later try, on any instance),
 * and whether a try has delivered it. While a shared store is unreachable the record is kept in
 * this process (one warning), and shared again when the store answers.
 */
export class PushLedger {
  private readonly local: MemoryCredentialStore;
  private warnedDegraded = false;

  constructor(
    private readonly appId: string,
    private readonly shared: CredentialStore,
    private readonly clock: WeChatClock,
    private readonly windowMs: number,
    private readonly logger: LoggerService,
  ) {
    this.local = new MemoryCredentialStore(clock);
  }

  /** A lease on running the handler of `key`, or undefined when another try holds it. */
  async claim(key: string, leaseMs: number): Promise<string | undefined> {
    try {
      return await this.store().acquireLock(this.k('push:claim', key), leaseMs);
    } catch (error) {
      // The store refused it (full): from now on store() is this process's until it takes writes.
      if (!(error instanceof StoreRefusedError)) throw error;
      return this.store().acquireLock(this.k('push:claim', key), leaseMs);
    }
  }

  /** Keeps the lease; false when it was lost (the holder took too long to extend it). */
  async extend(key: string, lease: string, leaseMs: number): Promise<boolean> {
    const store = this.store();
    if (!store.extendLock) return true;
    return store.extendLock(this.k('push:claim', key), lease, leaseMs);
  }

  release(key: string, lease: string): Promise<void> {
    return this.store().releaseLock(this.k('push:claim', key), lease);
  }

  /** Whether the store can extend leases (else a claim is held for the whole window). */
  get extendsLeases(): boolean {
    return this.shared.extendLock !== undefined;
  }

  /** Records the outcome for the window, and wakes the tries waiting for it. */
  async record(key: string, outcome: PushOutcome): Promise<void> {
    const now = this.clock.now();
    await this.store().set(this.k('push:outcome', key), {
      value: JSON.stringify(outcome),
      fetchedAt: now,
      expiresAt: now + this.windowMs,
    });
  }

  async outcome(key: string): Promise<PushOutcome | undefined> {
    const stored = await this.store().get(this.k('push:outcome', key));
    if (!stored || stored.expiresAt <= this.clock.now()) return undefined;
    return JSON.parse(stored.value) as PushOutcome;
  }

  /** Resolves when the outcome of `key` may have been recorded, or after `timeoutMs`. */
  waitForOutcome(key: string, timeoutMs: number): Promise<void> {
    return this.store().waitForChange(this.k('push:outcome', key), timeoutMs);
  }

  /** Notes that a try answered with the outcome's reply. */
  async markDelivered(key: string): Promise<void> {
    await this.store().increment(this.k('push:delivered', key), this.windowMs);
  }

  async wasDelivered(key: string): Promise<boolean> {
    return (await this.store().readCounter(this.k('push:delivered', key))) > 0;
  }

  // A shared store that is unreachable answers each call only after its operation timeout, and
  // one that refuses writes (full) cannot record claims: meanwhile the pushes are deduplicated
  // within this process (a message handled twice beats a message lost).
  private k(record: string, key: string): string {
    return accountKey(this.appId, `${record}:${key}`);
  }

  private store(): CredentialStore {
    const degraded = (this.shared.isDegraded?.() ?? false) || this.shared.refusal?.() !== undefined;
    if (degraded && !this.warnedDegraded) {
      this.warnedDegraded = true;
      this.logger.warn(
        'The shared store is unreachable or refuses writes: pushes and their retries are deduplicated within this instance until it takes them again',
      );
    } else if (!degraded && this.warnedDegraded) {
      this.warnedDegraded = false;
      this.logger.log(
        'The shared store takes writes again: pushes are deduplicated across the cluster',
      );
    }
    return degraded ? this.local : this.shared;
  }
}
