import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { type RedisTopology } from '../../src/options/redis-options.interface.js';
import { RedisCredentialStore } from '../../src/store/redis-credential-store.js';
import { ResilientCredentialStore } from '../../src/store/resilient-credential-store.js';
import { LinesLogger } from '../support/lines-logger.js';
import { uniquePrefix } from '../support/redis.js';

// Nothing listens on port 1.
const NOWHERE = 'redis://127.0.0.1:1';

describe.each<[string, RedisTopology]>([
  ['a Redis Cluster', { kind: 'cluster', nodes: [NOWHERE] }],
  ['Sentinel', { kind: 'sentinel', name: 'mymaster', sentinels: [NOWHERE] }],
])('%s unreachable at start-up', (_, topology) => {
  let store: ResilientCredentialStore | undefined;

  afterEach(async () => {
    await store?.close();
    store = undefined;
    jest.restoreAllMocks();
  });

  it('starts degraded within connectTimeoutMs, fails operations fast, prints nothing, closes', async () => {
    const printed = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const logger = new LinesLogger();
    const redis = await RedisCredentialStore.connect(
      { topology, keyPrefix: uniquePrefix(), operationTimeoutMs: 500, pollIntervalMs: 5000 },
      100,
    );
    store = new ResilientCredentialStore(redis, logger as never);
    expect(redis.isReady).toBe(false);
    expect(store.isDegraded()).toBe(true);
    await expect(redis.get('k')).rejects.toThrow(/yet/);
    // Served from memory meanwhile.
    expect(await store.acquireLock('lock', 60_000)).toMatch(/^local:/);
    expect(logger.lines.filter((line) => /unreachable/.test(line))).toHaveLength(2);
    // node-redis's Sentinel client prints each failed try, the first at once.
    expect(printed).not.toHaveBeenCalled();
  });
});
