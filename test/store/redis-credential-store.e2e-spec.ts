import { afterEach, describe, expect, it } from '@jest/globals';
import {
  RedisCredentialStore,
  type RedisStoreSettings,
} from '../../src/store/redis-credential-store.js';
import { REDIS_URL, uniquePrefix } from '../support/redis.js';
import { SwitchableProxy } from '../support/switchable-proxy.js';

describe('RedisCredentialStore (real Redis)', () => {
  const opened: RedisCredentialStore[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });

  async function open(settings: Partial<RedisStoreSettings> = {}) {
    const store = await RedisCredentialStore.connect(
      {
        url: REDIS_URL,
        keyPrefix: uniquePrefix(),
        operationTimeoutMs: 1000,
        pollIntervalMs: 5000,
        ...settings,
      },
      2000,
    );
    opened.push(store);
    return store;
  }

  const credential = (value: string, fetchedAt = Date.now()) => ({
    value,
    fetchedAt,
    expiresAt: fetchedAt + 60_000,
  });

  it('connects to the Redis the tests use (never skipped)', async () => {
    const store = await open();
    expect(store.isReady).toBe(true);
  });

  it('stores a credential with its expiry, and keeps the newer of two', async () => {
    const store = await open();
    const newer = credential('newer', Date.now());
    await store.set('k', newer);
    await store.set('k', credential('older', Date.now() - 1000));
    expect(await store.get('k')).toEqual(newer);
    const newest = credential('newest', Date.now() + 1);
    await store.set('k', newest);
    expect(await store.get('k')).toEqual(newest);
  });

  it('does not store an already expired credential', async () => {
    const store = await open();
    await store.set('k', {
      value: 'dead',
      fetchedAt: Date.now() - 10_000,
      expiresAt: Date.now() - 1,
    });
    expect(await store.get('k')).toBeUndefined();
  });

  it('deletes only the value it is asked to (compare-and-expire)', async () => {
    const store = await open();
    await store.set('k', credential('current'));
    expect(await store.deleteIfValue('k', 'stale')).toBe(false);
    expect((await store.get('k'))?.value).toBe('current');
    expect(await store.deleteIfValue('k', 'current')).toBe(true);
    expect(await store.get('k')).toBeUndefined();
  });

  it('grants the lock to one holder, releases only with its own lease, and lets a lease expire', async () => {
    const prefix = uniquePrefix();
    const a = await open({ keyPrefix: prefix });
    const b = await open({ keyPrefix: prefix });
    const lease = await a.acquireLock('lock', 300);
    expect(lease).toMatch(new RegExp(`^${process.pid}:`));
    expect(await b.acquireLock('lock', 300)).toBeUndefined();
    await b.releaseLock('lock', 'not-the-lease');
    expect(await b.acquireLock('lock', 300)).toBeUndefined();
    await a.releaseLock('lock', lease!);
    const second = await b.acquireLock('lock', 150);
    expect(second).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await a.acquireLock('lock', 300)).toBeDefined();
  });

  it('wakes a waiter in another connection when the key is written, and its watchers', async () => {
    const prefix = uniquePrefix();
    const writer = await open({ keyPrefix: prefix });
    const reader = await open({ keyPrefix: prefix });
    let watched = 0;
    reader.watch('k', () => (watched += 1));
    const started = Date.now();
    const waiting = reader.waitForChange('k', 10_000);
    await writer.set('k', credential('v'));
    await waiting;
    expect(Date.now() - started).toBeLessThan(4000);
    expect(watched).toBe(1);
  });

  it('counts with an expiry', async () => {
    const store = await open();
    expect(await store.readCounter('c')).toBe(0);
    expect(await store.increment('c', 200)).toBe(1);
    expect(await store.increment('c', 200)).toBe(2);
    expect(await store.readCounter('c')).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await store.readCounter('c')).toBe(0);
  });

  it('closes even when Redis froze behind a live connection (a reply that never comes)', async () => {
    const proxy = await SwitchableProxy.start(REDIS_URL.replace('redis:', 'http:'));
    try {
      const store = await RedisCredentialStore.connect(
        {
          url: proxy.url.replace('http:', 'redis:'),
          keyPrefix: uniquePrefix(),
          operationTimeoutMs: 200,
          pollIntervalMs: 5000,
        },
        2000,
      );
      expect(store.isReady).toBe(true);
      proxy.switchTo('stall');
      await expect(store.get('k')).rejects.toThrow(/timed out/);
      // Without the grace period close() would wait for that reply for ever (the test's timeout).
      await store.close();
    } finally {
      await proxy.close();
    }
  });

  it('fails fast, without hanging, when Redis cannot be reached', async () => {
    const store = await open({ url: 'redis://127.0.0.1:1', operationTimeoutMs: 500 });
    expect(store.isReady).toBe(false);
    await expect(store.get('k')).rejects.toThrow();
    await expect(store.acquireLock('lock', 1000)).rejects.toThrow();
  });
});
