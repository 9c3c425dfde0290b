import { afterEach, describe, expect, it } from '@jest/globals';
import { type Logger } from '@nestjs/common';
import { RedisCredentialStore } from '../../src/store/redis-credential-store.js';
import { ResilientCredentialStore } from '../../src/store/resilient-credential-store.js';
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

  // An operation that times out marks an outage while the connection stays up: nothing may
  // depend on some later caller touching the store for the instance to rejoin the cluster.
  it('rejoins by itself when Redis, frozen behind a live connection, answers again', async () => {
    proxy = await SwitchableProxy.start(REDIS_URL.replace('redis:', 'http:'));
    const redis = await RedisCredentialStore.connect(
      {
        url: proxy.url.replace('http:', 'redis:'),
        keyPrefix: uniquePrefix(),
        operationTimeoutMs: 200,
        pollIntervalMs: 5000,
      },
      2000,
    );
    const lines: string[] = [];
    const logger = { warn: (m: string) => lines.push(m), log: (m: string) => lines.push(m) };
    store = new ResilientCredentialStore(redis, logger as unknown as Logger);
    let recovered = 0;
    store.onRecovered(() => (recovered += 1));

    proxy.switchTo('stall');
    expect(await store.get('k')).toBeUndefined();
    expect(store.isDegraded()).toBe(true);
    proxy.resume();

    await waitFor('the store to find Redis again, with nobody calling it', () => recovered > 0);
    expect(store.isDegraded()).toBe(false);
    expect(lines.filter((l) => l.startsWith('Redis is unreachable'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('Redis answers again'))).toHaveLength(1);
    // Instances return over a few seconds: once they have, the listeners reconcile once more.
    await waitFor('a second reconciliation once the cluster settled', () => recovered === 2);
    expect(lines.filter((l) => l.startsWith('Redis answers again'))).toHaveLength(1);
  });
});
