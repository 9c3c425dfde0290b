import { randomUUID } from 'node:crypto';
import { systemClock, type WeChatClock } from '../clock/wechat-clock.js';
import { type CredentialStore, type StoredCredential } from './credential-store.interface.js';
import { KeyWaiters } from './key-waiters.js';
import { withinDeadline } from '../common/within-deadline.js';
import { StoreRefusedError } from './store-refused.error.js';
import {
  DELETE_IF_VALUE,
  INCREMENT,
  RELEASE_LOCK,
  EXTEND_LOCK,
  SET_IF_NEWER,
} from './redis-scripts.js';

/** Settings of the Redis store, from the module's `redis` option. */
export interface RedisStoreSettings {
  url: string;
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

// The few node-redis calls used here; the `redis` package itself is an optional peer.
interface RedisClient {
  isReady: boolean;
  connect(): Promise<unknown>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  duplicate(): RedisClient;
  ping(): Promise<string>;
  get(key: string): Promise<string | null>;
  getDel(key: string): Promise<string | null>;
  set(key: string, value: string, options: { NX?: true; PX: number }): Promise<string | null>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  close(): Promise<unknown>;
  destroy(): void;
}

type CreateClient = (options: object) => RedisClient;

interface RedisModule {
  createClient: CreateClient;
  /** node-redis's class of the errors Redis itself answered (`-OOM …`, `-READONLY …`). */
  ErrorReply: new (...args: never[]) => Error;
}

const CLOSE_GRACE_MS = 1000;

/**
 * Credentials and the fetch lock in Redis. Every operation either completes or fails within
 * `operationTimeoutMs`; while Redis is down, operations fail at once (no offline queue), so the
 * caller can fall back instead of waiting.
 */
export class RedisCredentialStore implements CredentialStore {
  private readonly waiters = new KeyWaiters();
  private readonly watchers = new Map<string, Set<() => void>>();
  private readonly readyListeners = new Set<() => void>();
  private readonly errorListeners = new Set<(error: Error) => void>();
  private readonly channel: string;

  private constructor(
    private readonly settings: RedisStoreSettings,
    private readonly client: RedisClient,
    private readonly subscriber: RedisClient,
    private readonly ErrorReply: RedisModule['ErrorReply'],
  ) {
    this.channel = `${settings.keyPrefix}changed`;
    // The subscriber's errors repeat the client's; only the client's mark an outage.
    subscriber.on('error', () => undefined);
    // Notices published while the subscriber was away are lost. It is ready again only once it
    // has subscribed again, so one more look from every watcher and waiter misses nothing.
    subscriber.on('ready', () => this.notifyAll());
    client.on('error', (error) => this.errorListeners.forEach((l) => l(error as Error)));
    client.on('ready', () => this.readyListeners.forEach((listener) => listener()));
  }

  /** Connects to Redis; resolves after `connectTimeoutMs` even if Redis has not answered yet. */
  static async connect(
    settings: RedisStoreSettings,
    connectTimeoutMs: number,
  ): Promise<RedisCredentialStore> {
    const { createClient, ErrorReply } = await loadRedis();
    const client = createClient({
      url: settings.url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: connectTimeoutMs,
        reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2000),
      },
    });
    const store = new RedisCredentialStore(settings, client, client.duplicate(), ErrorReply);
    const connected = Promise.all([client.connect(), store.subscriber.connect()])
      .then(() => store.subscriber.subscribe(store.channel, (key) => store.notify(key)))
      .catch(() => undefined);
    await Promise.race([connected, delay(connectTimeoutMs)]);
    return store;
  }

  get isReady(): boolean {
    return this.client.isReady;
  }

  /** Called whenever the connection to Redis becomes ready (at start and after each outage). */
  onReady(listener: () => void): void {
    this.readyListeners.add(listener);
  }

  /** Called with connection errors (the client reconnects by itself). */
  onError(listener: (error: Error) => void): void {
    this.errorListeners.add(listener);
  }

  /** Resolves when Redis answers a PING within the operation timeout. */
  async ping(): Promise<void> {
    await this.timed('PING', this.client.ping());
  }

  async get(key: string): Promise<StoredCredential | undefined> {
    const json = await this.timed('GET', this.client.get(this.k(key)));
    return json ? (JSON.parse(json) as StoredCredential) : undefined;
  }

  async set(key: string, credential: StoredCredential): Promise<void> {
    const ttlMs = Math.floor(credential.expiresAt - (this.settings.clock ?? systemClock).now());
    if (ttlMs <= 0) return;
    const { value, fetchedAt, expiresAt, renewableAt } = credential;
    await this.timed(
      'SET',
      this.client.eval(SET_IF_NEWER, {
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
  }

  async deleteIfValue(key: string, value: string): Promise<boolean> {
    const deleted = await this.timed(
      'DEL',
      this.client.eval(DELETE_IF_VALUE, { keys: [this.k(key)], arguments: [value] }),
    );
    return deleted === 1;
  }

  async acquireLock(key: string, leaseMs: number): Promise<string | undefined> {
    // The holder's pid in the lease tells an operator (and the cluster tests) who holds it.
    const leaseId = `${process.pid}:${randomUUID()}`;
    const ok = await this.timed(
      'SET NX',
      this.client.set(this.k(key), leaseId, { NX: true, PX: leaseMs }),
    );
    return ok === 'OK' ? leaseId : undefined;
  }

  async releaseLock(key: string, leaseId: string): Promise<void> {
    await this.timed(
      'DEL',
      this.client.eval(RELEASE_LOCK, { keys: [this.k(key)], arguments: [leaseId] }),
    );
  }

  async extendLock(key: string, leaseId: string, leaseMs: number): Promise<boolean> {
    const extended = await this.timed(
      'PEXPIRE',
      this.client.eval(EXTEND_LOCK, {
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
    const count = await this.timed(
      'INCR',
      this.client.eval(INCREMENT, { keys: [this.k(key)], arguments: [String(ttlMs)] }),
    );
    return Number(count);
  }

  async readCounter(key: string): Promise<number> {
    return Number((await this.timed('GET', this.client.get(this.k(key)))) ?? 0);
  }

  async putEntry(key: string, value: string, ttlMs: number): Promise<void> {
    await this.timed(
      'SET',
      this.client.set(this.k(key), value, { PX: Math.max(1, Math.round(ttlMs)) }),
    );
  }

  async takeEntry(key: string): Promise<string | undefined> {
    return (await this.timed('GETDEL', this.client.getDel(this.k(key)))) ?? undefined;
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
    this.readyListeners.clear();
    // close() waits for every reply still due; a Redis that hangs would hold shutdown forever.
    await Promise.all(
      [this.client, this.subscriber].map(async (connection) => {
        const closed = connection.close().then(
          () => true,
          () => false,
        );
        if (await Promise.race([closed, delay(CLOSE_GRACE_MS).then(() => false)])) return;
        try {
          connection.destroy();
        } catch {
          // Never connected, or already gone.
        }
      }),
    );
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

  private timed<T>(operation: string, promise: Promise<T>): Promise<T> {
    const ms = this.settings.operationTimeoutMs;
    const refusalsNamed = promise.catch((error: unknown) => {
      throw error instanceof this.ErrorReply
        ? new StoreRefusedError(operation, error.message)
        : error;
    });
    return withinDeadline(
      refusalsNamed,
      ms,
      () => new Error(`Redis ${operation} timed out after ${ms} ms`),
    );
  }
}

async function loadRedis(): Promise<RedisModule> {
  try {
    return (await import('redis')) as unknown as RedisModule;
  } catch {
    throw new Error(
      "WeChatModule option redis needs the 'redis' package (node-redis 5): npm install redis",
    );
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
