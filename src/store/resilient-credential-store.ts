import { type Logger } from '@nestjs/common';
import { systemClock, type WeChatClock } from '../clock/wechat-clock.js';
import { type CredentialStore, type StoredCredential } from './credential-store.interface.js';
import { MemoryCredentialStore } from './memory-credential-store.js';
import { type RedisCredentialStore } from './redis-credential-store.js';
import { StoreRefusedError } from './store-refused.error.js';

const LOCAL_LEASE = 'local:';
// How often an outage without a dropped connection is probed (real time: a network wait).
const PROBE_INTERVAL_MS = 1000;
// The instances of a cluster come back from an outage over a few seconds (reconnects back off up
// to 2 s): the recovery listeners run once more after that, for what a late one stored.
const SETTLE_MS = 3000;

/**
 * Redis first, process memory when Redis does not answer. Every credential is mirrored in memory,
 * so an outage costs nothing while the in-memory credentials are valid; a refresh during the
 * outage is made locally (and said so). One warning when Redis goes, one notice when it returns,
 * and then the recovery listeners make the cluster converge again.
 */
export class ResilientCredentialStore implements CredentialStore {
  private readonly local: MemoryCredentialStore;
  private readonly recoveredListeners = new Set<() => void>();
  private degraded = false;
  /** Why Redis refuses writes, and the key it refused them for (a cluster refuses per slot). */
  private refused?: { error: StoreRefusedError; key?: string };
  private closed = false;
  private probe?: NodeJS.Timeout;
  private refusalProbe?: NodeJS.Timeout;
  private settle?: NodeJS.Timeout;

  constructor(
    private readonly redis: RedisCredentialStore,
    private readonly logger: Logger,
    clock: WeChatClock = systemClock,
  ) {
    this.local = new MemoryCredentialStore(clock);
    redis.onReady(() => {
      this.markRecovered();
      // Back on a node that may now refuse writes: an old master that a failover demoted.
      void this.checkWrites();
    });
    redis.onError((error) => this.markDegraded(error));
    if (redis.isReady) void this.checkWrites();
    else this.markDegraded(new Error('no answer at start-up'));
  }

  isDegraded(): boolean {
    return this.degraded;
  }

  onRecovered(listener: () => void): () => void {
    this.recoveredListeners.add(listener);
    return () => this.recoveredListeners.delete(listener);
  }

  watch(key: string, listener: () => void): () => void {
    return this.redis.watch(key, listener);
  }

  async get(key: string): Promise<StoredCredential | undefined> {
    const stored = await this.attempt(key, () => this.redis.get(key), READS);
    if (!answered(stored)) return this.local.get(key);
    if (stored) await this.local.set(key, stored);
    return stored;
  }

  async set(key: string, credential: StoredCredential): Promise<void> {
    await this.local.set(key, credential);
    // Refused: kept here, and the refusal reported (the other instances cannot fetch either).
    await this.attempt(key, () => this.redis.setIfNewer(key, credential), IF_WRITTEN);
  }

  async deleteIfValue(key: string, value: string): Promise<boolean> {
    const deletedLocally = await this.local.deleteIfValue(key, value);
    const deleted = await this.attempt(key, () => this.redis.deleteIfValue(key, value), IF_WRITTEN);
    return answered(deleted) ? deleted : deletedLocally;
  }

  async acquireLock(key: string, leaseMs: number): Promise<string | undefined> {
    const leaseId = await this.attempt(key, () => this.redis.acquireLock(key, leaseMs), WRITES);
    // Redis answers but refuses: a lease of this process alone would let every instance fetch.
    if (leaseId === REFUSED) throw this.refused!.error;
    if (leaseId !== FAILED) return leaseId;
    const localLease = await this.local.acquireLock(key, leaseMs);
    if (localLease === undefined) return undefined;
    this.logger.warn(
      `Redis is unreachable: this instance holds ${key} locally and refreshes on its own; ` +
        'other instances may do the same until Redis answers again',
    );
    return LOCAL_LEASE + localLease;
  }

  async releaseLock(key: string, leaseId: string): Promise<void> {
    if (leaseId.startsWith(LOCAL_LEASE)) {
      await this.local.releaseLock(key, leaseId.slice(LOCAL_LEASE.length));
    } else {
      // If Redis is gone the lease simply runs out.
      await this.attempt(key, () => this.redis.releaseIfHeld(key, leaseId), IF_WRITTEN);
    }
  }

  async extendLock(key: string, leaseId: string, leaseMs: number): Promise<boolean> {
    if (leaseId.startsWith(LOCAL_LEASE)) {
      return this.local.extendLock(key, leaseId.slice(LOCAL_LEASE.length), leaseMs);
    }
    const extended = await this.attempt(
      key,
      () => this.redis.extendLock(key, leaseId, leaseMs),
      IF_WRITTEN,
    );
    // Redis gone: the lease cannot be confirmed, so it is not.
    return extended === true;
  }

  waitForChange(key: string, timeoutMs: number): Promise<void> {
    return this.degraded
      ? this.local.waitForChange(key, timeoutMs)
      : this.redis.waitForChange(key, timeoutMs);
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    const localCount = await this.local.increment(key, ttlMs);
    const count = await this.attempt(key, () => this.redis.increment(key, ttlMs), WRITES);
    return answered(count) ? count : localCount;
  }

  async readCounter(key: string): Promise<number> {
    const count = await this.attempt(key, () => this.redis.readCounter(key), READS);
    return answered(count) ? count : this.local.readCounter(key);
  }

  async putEntry(key: string, value: string, ttlMs: number): Promise<void> {
    await this.local.putEntry(key, value, ttlMs);
    // Refused: a callback to this instance still finds it (sign-in keeps working where it can).
    await this.attempt(key, () => this.redis.putEntry(key, value, ttlMs), WRITES);
  }

  async takeEntry(key: string): Promise<string | undefined> {
    const local = await this.local.takeEntry(key);
    const taken = await this.attempt(key, () => this.redis.takeEntry(key), WRITES);
    // Redis decides while it answers: another instance may have taken the entry already.
    return answered(taken) ? taken : local;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.probe);
    clearTimeout(this.refusalProbe);
    clearTimeout(this.settle);
    this.recoveredListeners.clear();
    await this.local.close();
    await this.redis.close();
  }

  /** True while Redis answers but refuses writes; why, in `refusal()`. */
  refusal(): string | undefined {
    return this.refused?.error.message;
  }

  /**
   * `wrote`: whether the answer proves that Redis accepts writes. A script that compares first
   * (setIfNewer, deleteIfValue, releaseIfHeld, extendLock) answers on a read-only replica too,
   * as long as it finds nothing to write.
   */
  private async attempt<T>(
    key: string | undefined,
    operation: () => Promise<T>,
    wrote: (answer: T) => boolean,
  ): Promise<T | typeof FAILED | typeof REFUSED> {
    // Until the probe (or a reconnect) finds Redis again, nobody waits on it: a hung Redis would
    // otherwise cost every call its operation timeout.
    if (this.degraded) return FAILED;
    try {
      const result = await operation();
      // A timed-out operation marks an outage without a dropped connection: the next success ends it.
      if (this.degraded && this.redis.isReady) this.markRecovered();
      if (wrote(result)) this.markAccepting();
      return result;
    } catch (error) {
      // Closed by us: no outage to report and nothing to fall back on; the caller is told so.
      if (this.closed) throw error;
      if (error instanceof StoreRefusedError) {
        this.markRefusing(error, key);
        return REFUSED;
      }
      this.markDegraded(error as Error);
      return FAILED;
    }
  }

  // Reported once per kind of refusal: a full Redis refuses every write until someone acts.
  private markRefusing(error: StoreRefusedError, key: string | undefined): void {
    const known = this.refused?.error.reply === error.reply;
    this.refused = { error, key };
    this.probeUntilAccepting();
    if (known) return;
    this.logger.error(
      `${error.message}. Credentials cannot be refreshed or shared until Redis accepts writes; ` +
        'instances do not refresh on their own meanwhile (they would invalidate each other)',
    );
  }

  private markAccepting(): void {
    if (!this.refused) return;
    this.refused = undefined;
    this.logger.log('Redis accepts writes again');
  }

  /** Tries a write (beside the key last refused), to learn whether Redis accepts writes. */
  private async checkWrites(): Promise<void> {
    const key = this.refused?.key;
    // Closed meanwhile (the only way it rejects): nothing left to learn.
    await this.attempt(key, () => this.redis.probeWrites(key), WRITES).catch(() => undefined);
  }

  // The hot path never writes, so nothing else would notice that a refusal ended (a failover
  // finished, memory freed): ask until a write is accepted.
  private probeUntilAccepting(): void {
    if (this.refusalProbe || this.closed) return;
    this.refusalProbe = setTimeout(async () => {
      this.refusalProbe = undefined;
      if (!this.refused || this.closed) return;
      await this.checkWrites();
      if (this.refused) this.probeUntilAccepting();
    }, PROBE_INTERVAL_MS);
    this.refusalProbe.unref();
  }

  private markDegraded(error: Error): void {
    if (this.degraded || this.closed) return;
    this.degraded = true;
    this.logger.warn(
      `Redis is unreachable (${error.message}): serving credentials from memory, ` +
        'refreshing locally when needed, reconnecting in the background',
    );
    this.probeUntilRecovered();
  }

  // A dropped connection announces its return ('ready'); a timed-out operation on a live one
  // does not, and the hot path never touches the store: so ask Redis until it answers.
  private probeUntilRecovered(): void {
    if (this.probe || this.closed) return;
    this.probe = setTimeout(async () => {
      this.probe = undefined;
      if (!this.degraded || this.closed) return;
      if (this.redis.isReady) {
        try {
          await this.redis.ping();
          this.markRecovered();
          return;
        } catch {
          // Still frozen: ask again.
        }
      }
      this.probeUntilRecovered();
    }, PROBE_INTERVAL_MS);
    this.probe.unref();
  }

  private markRecovered(): void {
    if (!this.degraded) return;
    this.degraded = false;
    this.logger.log('Redis answers again: credentials are shared through it again');
    for (const listener of this.recoveredListeners) listener();
    clearTimeout(this.settle);
    this.settle = setTimeout(() => {
      if (this.degraded || this.closed) return;
      for (const listener of this.recoveredListeners) listener();
    }, SETTLE_MS);
    this.settle.unref();
  }
}

const FAILED = Symbol('failed');
const REFUSED = Symbol('refused');

/** Whether Redis gave an answer (neither failed nor refused), so this process need not. */
function answered<T>(result: T | typeof FAILED | typeof REFUSED): result is T {
  return result !== FAILED && result !== REFUSED;
}
const READS = () => false;
// A write command (SET, GETDEL, INCR) is refused by a read-only replica whatever it would do.
const WRITES = () => true;
const IF_WRITTEN = (answer: boolean) => answer;
