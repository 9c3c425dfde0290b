import { randomUUID } from 'node:crypto';
import { systemClock, type WeChatClock } from '../clock/wechat-clock.js';
import { withinDeadline } from '../common/within-deadline.js';
import { type RedisTopology } from '../options/redis-options.interface.js';
import { type CredentialStore, type StoredCredential } from './credential-store.interface.js';
import { KeyWaiters } from './key-waiters.js';
import { createRedisConnection, type RedisConnection } from './redis-connection.js';
import { delay } from './redis-delay.js';
import {
  DELETE_IF_VALUE,
  EXTEND_LOCK,
  INCREMENT,
  PROBE_WRITE,
  RELEASE_LOCK,
  SET_IF_NEWER,
} from './redis-scripts.js';
import { isTransientRefusal } from './redis-transient-refusals.js';
import { StoreRefusedError } from './store-refused.error.js';

/** Settings of the Redis store, from the module's `redis` option. */
export type RedisStoreSettings = RedisStoreOptions &
  // One server, a Redis Cluster or a Sentinel-watched master; `url` is short for one server.
  ({ topology: RedisTopology } | { url: string });

interface RedisStoreOptions {
  /** Before every key and the change channel; keys put their hash tag (`{appId}`) right after. */
  keyPrefix: string;
  /** Every Redis operation fails after this long instead of hanging. */
  operationTimeoutMs: number;
  /** Waiters re-check at least this often, in case a change notice was missed. */
  pollIntervalMs: number;
  /**
   * The module's clock, for the time left to a credential (its key's TTL); default real time.
   * What Redis itself expires (leases, entries, counters) runs on Redis's time.
   */
  clock?: WeChatClock;
}

// A refusal that a failover clears is asked again after these pauses, doubling, within the
// operation timeout.
const FIRST_RETRY_MS = 20;
const MAX_RETRY_MS = 200;

/**
 * Credentials and the fetch lock in Redis: one server, a Redis Cluster or a Sentinel-watched
 * master. Every operation touches one key (the scripts too), so each runs whole on the master of
 * its key's slot. Every operation either completes or fails within `operationTimeoutMs`; while
 * Redis is down, operations fail at once (no offline queue), so the caller can fall back instead
 * of waiting.
 */
export class RedisCredentialStore implements CredentialStore {
  private readonly waiters = new KeyWaiters();
  private readonly watchers = new Map<string, Set<() => void>>();
  private readonly channel: string;

  private constructor(
    private readonly settings: RedisStoreSettings,
    private readonly connection: RedisConnection,
  ) {
    this.channel = `${settings.keyPrefix}changed`;
    // Notices published while the subscription was away are lost. It is back only once it has
    // subscribed again, so one more look from every watcher and waiter misses nothing.
    connection.onResubscribed(() => this.notifyAll());
  }

  /** Connects to Redis; resolves after `connectTimeoutMs` even if Redis has not answered yet. */
  static async connect(
    settings: RedisStoreSettings,
    connectTimeoutMs: number,
  ): Promise<RedisCredentialStore> {
    const topology =
      'url' in settings ? { kind: 'server' as const, url: settings.url } : settings.topology;
    const connection = await createRedisConnection(topology, { connectTimeoutMs });
    const store = new RedisCredentialStore(settings, connection);
    const opened = connection
      .open(store.channel, (key) => store.notify(key))
      .catch(() => undefined);
    await Promise.race([opened, delay(connectTimeoutMs)]);
    return store;
  }

  get isReady(): boolean {
    return this.connection.isReady;
  }

  /** Called whenever Redis can be reached again (at start, after each outage or failover). */
  onReady(listener: () => void): void {
    this.connection.onReady(listener);
  }

  /** Called with connection errors (the connections come back by themselves). */
  onError(listener: (error: Error) => void): void {
    this.connection.onError(listener);
  }

  /** Resolves when Redis answers a PING within the operation timeout. */
  async ping(): Promise<void> {
    await this.timed('PING', () => this.connection.ping());
  }

  /**
   * Writes a short-lived key beside `key` (in its slot, by its hash tag), or of its own: resolves
   * once Redis accepts writes there, rejects with `StoreRefusedError` while it refuses them.
   */
  async probeWrites(key?: string): Promise<void> {
    const probe = this.k(key === undefined ? 'write-probe' : `${key}:write-probe`);
    await this.timed('SET', () =>
      this.connection.eval(PROBE_WRITE, { keys: [probe], arguments: [String(process.pid)] }),
    );
  }

  async get(key: string): Promise<StoredCredential | undefined> {
    const json = await this.timed('GET', () => this.connection.get(this.k(key)));
    return json ? (JSON.parse(json) as StoredCredential) : undefined;
  }

  async set(key: string, credential: StoredCredential): Promise<void> {
    await this.setIfNewer(key, credential);
  }

  /** `set`, answering whether it stored the credential (newer than the one held). */
  async setIfNewer(key: string, credential: StoredCredential): Promise<boolean> {
    const ttlMs = Math.floor(credential.expiresAt - (this.settings.clock ?? systemClock).now());
    if (ttlMs <= 0) return false;
    const { value, fetchedAt, expiresAt, renewableAt } = credential;
    const stored = await this.timed('SET', () =>
      this.connection.eval(SET_IF_NEWER, {
        keys: [this.k(key)],
        arguments: [
          JSON.stringify({ value, fetchedAt, expiresAt, renewableAt }),
          String(fetchedAt),
          String(ttlMs),
          this.channel,
          key,
          value,
        ],
      }),
    );
    return stored === 1;
  }

  async deleteIfValue(key: string, value: string): Promise<boolean> {
    const deleted = await this.timed('DEL', () =>
      this.connection.eval(DELETE_IF_VALUE, { keys: [this.k(key)], arguments: [value] }),
    );
    return deleted === 1;
  }

  async acquireLock(key: string, leaseMs: number): Promise<string | undefined> {
    // The holder's pid in the lease tells an operator (and the cluster tests) who holds it.
    const leaseId = `${process.pid}:${randomUUID()}`;
    const ok = await this.timed('SET NX', () =>
      this.connection.set(this.k(key), leaseId, { NX: true, PX: leaseMs }),
    );
    return ok === 'OK' ? leaseId : undefined;
  }

  async releaseLock(key: string, leaseId: string): Promise<void> {
    await this.releaseIfHeld(key, leaseId);
  }

  /** `releaseLock`, answering whether `leaseId` held the lock (and so freed it). */
  async releaseIfHeld(key: string, leaseId: string): Promise<boolean> {
    const released = await this.timed('DEL', () =>
      this.connection.eval(RELEASE_LOCK, { keys: [this.k(key)], arguments: [leaseId] }),
    );
    return released === 1;
  }

  async extendLock(key: string, leaseId: string, leaseMs: number): Promise<boolean> {
    const extended = await this.timed('PEXPIRE', () =>
      this.connection.eval(EXTEND_LOCK, {
        keys: [this.k(key)],
        arguments: [leaseId, String(Math.max(1, Math.round(leaseMs)))],
      }),
    );
    return extended === 1;
  }

  waitForChange(key: string, timeoutMs: number): Promise<void> {
    // Jittered so that waiting instances do not poll in step.
    const pollMs = this.settings.pollIntervalMs * (0.5 + Math.random() * 0.5);
    return this.waiters.wait(key, Math.min(timeoutMs, pollMs));
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    const count = await this.timed('INCR', () =>
      this.connection.eval(INCREMENT, { keys: [this.k(key)], arguments: [String(ttlMs)] }),
    );
    return Number(count);
  }

  async readCounter(key: string): Promise<number> {
    return Number((await this.timed('GET', () => this.connection.get(this.k(key)))) ?? 0);
  }

  async putEntry(key: string, value: string, ttlMs: number): Promise<void> {
    await this.timed('SET', () =>
      this.connection.set(this.k(key), value, { PX: Math.max(1, Math.round(ttlMs)) }),
    );
  }

  async takeEntry(key: string): Promise<string | undefined> {
    return (await this.timed('GETDEL', () => this.connection.getDel(this.k(key)))) ?? undefined;
  }

  watch(key: string, listener: () => void): () => void {
    const watchers = this.watchers.get(key) ?? new Set();
    watchers.add(listener);
    this.watchers.set(key, watchers);
    return () => {
      watchers.delete(listener);
      if (watchers.size === 0 && this.watchers.get(key) === watchers) this.watchers.delete(key);
    };
  }

  async close(): Promise<void> {
    this.waiters.wakeAll();
    await this.connection.close();
  }

  private notifyAll(): void {
    this.waiters.wakeAll();
    for (const key of [...this.watchers.keys()]) this.notify(key);
  }

  private notify(key: string): void {
    this.waiters.wake(key);
    for (const listener of this.watchers.get(key) ?? []) listener();
  }

  private k(key: string): string {
    return this.settings.keyPrefix + key;
  }

  /**
   * Runs `command` within the operation timeout. Redis's own error replies become
   * `StoreRefusedError`; one that a failover in progress gives (see isTransientRefusal) is asked
   * again while the timeout allows, so that callers do not see a failover the client follows.
   */
  private async timed<T>(operation: string, command: () => Promise<T>): Promise<T> {
    const ms = this.settings.operationTimeoutMs;
    const deadline = Date.now() + ms;
    const timedOut = () => new Error(`Redis ${operation} timed out after ${ms} ms`);
    for (let pause = FIRST_RETRY_MS; ; pause = Math.min(2 * pause, MAX_RETRY_MS)) {
      try {
        return await withinDeadline(command(), Math.max(1, deadline - Date.now()), timedOut);
      } catch (error) {
        if (!this.connection.isErrorReply(error)) throw error;
        const { kind } = this.connection;
        const refusal = new StoreRefusedError(operation, error.message, kind);
        if (!isTransientRefusal(kind, refusal.reply) || Date.now() + pause >= deadline) {
          throw refusal;
        }
        await delay(pause);
      }
    }
  }
}
