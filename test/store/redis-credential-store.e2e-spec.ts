import { afterEach, describe, expect, it } from '@jest/globals';
import {
  RedisCredentialStore,
  type RedisStoreSettings,
} from '../../src/store/redis-credential-store.js';
import { REDIS_URL, uniquePrefix } from '../support/redis.js';
import { SwitchableProxy } from '../support/switchable-proxy.js';
import { waitFor } from '../support/wait-for.js';

describe('RedisCredentialStore (real Redis)', () => {
  const opened: RedisCredentialStore[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });

  async function open(settings: Partial<RedisStoreSettings> = {}, connectTimeoutMs = 2000) {
    const store = await RedisCredentialStore.connect(
      {
        url: REDIS_URL,
        keyPrefix: uniquePrefix(),
        operationTimeoutMs: 1000,
        pollIntervalMs: 5000,
        ...settings,
      },
      connectTimeoutMs,
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
    // Held until released: no lease runs out while the test looks.
    const lease = await a.acquireLock('lock', 60_000);
    expect(lease).toMatch(new RegExp(`^${process.pid}:`));
    expect(await b.acquireLock('lock', 60_000)).toBeUndefined();
    await b.releaseLock('lock', 'not-the-lease');
    expect(await b.acquireLock('lock', 60_000)).toBeUndefined();
    await a.releaseLock('lock', lease!);
    // Redis's own expiry, in real time: the lease holds for its 150 ms, then the lock is free.
    const leasedAt = Date.now();
    expect(await b.acquireLock('lock', 150)).toBeDefined();
    await waitFor(
      'the lease to run out',
      async () => (await a.acquireLock('lock', 60_000)) !== undefined,
    );
    expect(Date.now() - leasedAt).toBeGreaterThanOrEqual(140);
  });

  it('wakes a waiter in another connection when the key is written, and its watchers', async () => {
    const prefix = uniquePrefix();
    const writer = await open({ keyPrefix: prefix });
    // Its waits neither poll nor time out for minutes: only the change notice can end one.
    const reader = await open({ keyPrefix: prefix, pollIntervalMs: 600_000 });
    let watched = 0;
    reader.watch('k', () => (watched += 1));
    let woken = false;
    void reader.waitForChange('k', 600_000).then(() => (woken = true));
    await writer.set('k', credential('v'));
    await waitFor('the waiter to wake', () => woken);
    expect(watched).toBe(1);
  });

  // A notice published while a subscriber is away is lost for good: the store must look again.
  it('tells its watchers and waiters of a change made while its connection was down', async () => {
    const prefix = uniquePrefix();
    const proxy = await SwitchableProxy.start(REDIS_URL.replace('redis:', 'http:'));
    try {
      const reader = await open({
        url: proxy.url.replace('http:', 'redis:'),
        keyPrefix: prefix,
        pollIntervalMs: 600_000,
      });
      const writer = await open({ keyPrefix: prefix });
      let watched = 0;
      reader.watch('k', () => (watched += 1));
      let dropped = false;
      reader.onError(() => (dropped = true));
      proxy.switchTo('reset');
      await waitFor('the reader to lose Redis', () => dropped && !reader.isReady);
      let woken = false;
      void reader.waitForChange('k', 600_000).then(() => (woken = true));
      await writer.set('k', credential('set while the reader was away'));

      proxy.switchTo('forward');
      await waitFor('the watcher to hear of it', () => watched > 0);
      await waitFor('the waiter to wake', () => woken);
      // Its two connections come back in either order: read once the commands one is back.
      await waitFor('the reader to reconnect', () => reader.isReady);
      expect((await reader.get('k'))?.value).toBe('set while the reader was away');
    } finally {
      await proxy.close();
    }
  });

  it('counts with an expiry', async () => {
    const store = await open();
    expect(await store.readCounter('c')).toBe(0);
    expect(await store.increment('c', 60_000)).toBe(1);
    expect(await store.increment('c', 60_000)).toBe(2);
    expect(await store.readCounter('c')).toBe(2);
    // Redis's own expiry, in real time: a count lives its 150 ms, then reads 0.
    const countedAt = Date.now();
    expect(await store.increment('brief', 150)).toBe(1);
    await waitFor('the count to expire', async () => (await store.readCounter('brief')) === 0);
    expect(Date.now() - countedAt).toBeGreaterThanOrEqual(140);
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
    // Nothing answers there: no use waiting long for the connection.
    const store = await open({ url: 'redis://127.0.0.1:1', operationTimeoutMs: 500 }, 100);
    expect(store.isReady).toBe(false);
    await expect(store.get('k')).rejects.toThrow();
    await expect(store.acquireLock('lock', 1000)).rejects.toThrow();
  });
});
