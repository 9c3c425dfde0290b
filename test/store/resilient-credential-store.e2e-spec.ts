import { afterEach, describe, expect, it } from '@jest/globals';
import { type Logger } from '@nestjs/common';
import { createClient } from 'redis';
import { RedisCredentialStore } from '../../src/store/redis-credential-store.js';
import { ResilientCredentialStore } from '../../src/store/resilient-credential-store.js';
import { StoreRefusedError } from '../../src/store/store-refused.error.js';
import { PrivateRedis } from '../support/private-redis.js';
import { REDIS_URL, uniquePrefix } from '../support/redis.js';
import { SwitchableProxy } from '../support/switchable-proxy.js';
import { waitFor } from '../support/wait-for.js';

describe('ResilientCredentialStore (real Redis)', () => {
  let proxy: SwitchableProxy | undefined;
  let store: ResilientCredentialStore | undefined;

  afterEach(async () => {
    await store?.close();
    await proxy?.close();
    store = proxy = undefined;
  });

  /** A Redis store reaching Redis through `proxy`, which the test can stall. */
  async function redisBehindProxy(): Promise<RedisCredentialStore> {
    proxy = await SwitchableProxy.start(REDIS_URL.replace('redis:', 'http:'));
    return RedisCredentialStore.connect(
      {
        url: proxy.url.replace('http:', 'redis:'),
        keyPrefix: uniquePrefix(),
        operationTimeoutMs: 200,
        pollIntervalMs: 5000,
      },
      2000,
    );
  }

  // An operation that times out marks an outage while the connection stays up: nothing may
  // depend on some later caller touching the store for the instance to rejoin the cluster.
  it('rejoins by itself when Redis, frozen behind a live connection, answers again', async () => {
    const redis = await redisBehindProxy();
    const lines: string[] = [];
    const logger = { warn: (m: string) => lines.push(m), log: (m: string) => lines.push(m) };
    store = new ResilientCredentialStore(redis, logger as unknown as Logger);
    let recovered = 0;
    store.onRecovered(() => (recovered += 1));

    proxy!.switchTo('stall');
    expect(await store.get('k')).toBeUndefined();
    expect(store.isDegraded()).toBe(true);
    proxy!.resume();

    await waitFor('the store to find Redis again, with nobody calling it', () => recovered > 0);
    expect(store.isDegraded()).toBe(false);
    expect(lines.filter((l) => l.startsWith('Redis is unreachable'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('Redis answers again'))).toHaveLength(1);
    // Instances return over a few seconds: once they have, the listeners reconcile once more.
    await waitFor('a second reconciliation once the cluster settled', () => recovered === 2);
    expect(lines.filter((l) => l.startsWith('Redis answers again'))).toHaveLength(1);
  });

  // Issue 12, point 9: a Redis that accepts connections and never answers once cost every
  // request-path call the full operation timeout (p50 1 s), for as long as it hung.
  it('stops waiting on a hung Redis after its first timeout, and uses it again once it answers', async () => {
    const redis = await redisBehindProxy();
    const reachedRedis = countCalls(redis, [
      'get',
      'setIfNewer',
      'acquireLock',
      'releaseIfHeld',
      'putEntry',
      'takeEntry',
    ]);
    const logger = { warn: () => undefined, log: () => undefined, error: () => undefined };
    store = new ResilientCredentialStore(redis, logger as unknown as Logger);

    proxy!.switchTo('stall');
    await store.putEntry('state', 'v', 60_000);
    expect(store.isDegraded()).toBe(true);
    const callsBefore = reachedRedis.count;
    for (let i = 0; i < 20; i++) {
      await store.putEntry(`state-${i}`, 'v', 60_000);
      expect(await store.takeEntry(`state-${i}`)).toBe('v');
      expect(await store.acquireLock(`lock-${i}`, 60_000)).toBeDefined();
    }
    // Served from memory: not one of those 60 calls waited on Redis.
    expect(reachedRedis.count).toBe(callsBefore);

    proxy!.resume();
    await waitFor('the probe to find Redis again', () => !store!.isDegraded());
    await store.putEntry('after', 'v', 60_000);
    expect(reachedRedis.count).toBe(callsBefore + 1);
  });

  // The hot path never writes: were the refusal cleared only by a caller's write, the stats and
  // the health check would report it for hours after Redis accepted writes again.
  it('reports a refusal, and clears it by itself once Redis accepts writes, with nobody calling', async () => {
    const redis = await PrivateRedis.start();
    const admin = createClient({ url: redis.url });
    try {
      await admin.connect();
      const lines: string[] = [];
      const logger = { log: (m: string) => lines.push(m), error: (m: string) => lines.push(m) };
      store = new ResilientCredentialStore(
        await RedisCredentialStore.connect(
          {
            url: redis.url,
            keyPrefix: uniquePrefix(),
            operationTimeoutMs: 500,
            pollIntervalMs: 5000,
          },
          2000,
        ),
        logger as unknown as Logger,
      );
      await admin.configSet({ 'maxmemory-policy': 'noeviction', maxmemory: '1' });
      await expect(store.acquireLock('lock', 60_000)).rejects.toThrow(StoreRefusedError);
      expect(store.refusal()).toMatch(/OOM/);
      expect(store.isDegraded()).toBe(false);

      await admin.configSet('maxmemory', '0');
      await waitFor('the refusal to clear', () => store!.refusal() === undefined);
      expect(lines.filter((l) => /Redis refused/.test(l))).toHaveLength(1);
      expect(lines.filter((l) => /Redis accepts writes again/.test(l))).toHaveLength(1);
    } finally {
      await store?.close();
      store = undefined;
      await admin.close();
      await redis.stop();
    }
  });
});

/** Counts the calls of `methods` on `target` (which still run as before). */
function countCalls(target: object, methods: string[]): { count: number } {
  const counter = { count: 0 };
  const record = target as Record<string, (...args: unknown[]) => unknown>;
  for (const method of methods) {
    const original = record[method].bind(target);
    record[method] = (...args: unknown[]) => {
      counter.count += 1;
      return original(...args);
    };
  }
  return counter;
}
