import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { type RedisTopology } from '../../src/options/redis-options.interface.js';
import { type RedisCredentialStore } from '../../src/store/redis-credential-store.js';
import { ResilientCredentialStore } from '../../src/store/resilient-credential-store.js';
import { StoreRefusedError } from '../../src/store/store-refused.error.js';
import { describeCredentialStore } from '../../src/testing/index.js';
import { LinesLogger } from '../support/lines-logger.js';
import { uniquePrefix } from '../support/redis.js';
import { RedisClusterSet } from '../support/redis-topology.js';
import { waitFor } from '../support/wait-for.js';
import { connectStore, storeHarnesses } from './store-harness.js';

// A Redis Cluster of three masters, each with a replica, started for this file.
let cluster: RedisClusterSet;
const topology = (): RedisTopology => ({ kind: 'cluster', nodes: cluster.urls });

// Waits and limits here are generous: they matter only on a machine busy with other work.
const SLOW_MS = 60_000;

beforeAll(async () => {
  cluster = await RedisClusterSet.start({ masters: 3, replicasPerMaster: 1 });
}, SLOW_MS);

afterAll(async () => {
  await cluster?.stop();
});

const harnesses = storeHarnesses(topology);
describeCredentialStore(
  'RedisCredentialStore on a Redis Cluster',
  { describe, it },
  harnesses.redis,
);
describeCredentialStore(
  'ResilientCredentialStore on a Redis Cluster',
  { describe, it },
  harnesses.resilient,
);

describe('keys on a Redis Cluster', () => {
  const opened: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });

  async function open(keyPrefix: string): Promise<RedisCredentialStore> {
    const store = await connectStore(topology, keyPrefix);
    opened.push(store);
    return store;
  }

  it("keeps an account's keys, which carry its hash tag, in one slot on one master", async () => {
    const prefix = uniquePrefix();
    const store = await open(prefix);
    const now = Date.now();
    await store.set('{wx123}:access_token', {
      value: 't',
      fetchedAt: now,
      expiresAt: now + 60_000,
    });
    await store.acquireLock('{wx123}:access_token:lock', 60_000);
    await store.putEntry('{wx123}:oauth:state:S1', 'pending', 60_000);
    await store.acquireLock('{wx123}:push:claim:m1', 60_000);
    await store.increment('{wx123}:access_token:fetches:cgi-bin/token:2026-05-01', 60_000);
    const keys = [
      '{wx123}:access_token',
      '{wx123}:access_token:lock',
      '{wx123}:oauth:state:S1',
      '{wx123}:push:claim:m1',
      '{wx123}:access_token:fetches:cgi-bin/token:2026-05-01',
    ].map((key) => prefix + key);

    const slots = await Promise.all(
      keys.map((key) => cluster.nodes[0].command<number>('CLUSTER', 'KEYSLOT', key)),
    );
    expect(new Set(slots).size).toBe(1);
    const master = await cluster.masterOf(keys[0]);
    for (const key of keys) expect(await master.command('EXISTS', key)).toBe(1);
  });

  it('a plain redis.url at a cluster node: a refusal that says to use redis.cluster, no outage', async () => {
    const prefix = uniquePrefix();
    const key = '{wx123}:access_token:lock';
    // Any node but the master of the key's slot answers MOVED.
    const master = await cluster.masterOf(prefix + key);
    const other = cluster.nodes.find((node) => node !== master)!;
    const logger = new LinesLogger();
    const store = new ResilientCredentialStore(
      await connectStore(() => ({ kind: 'server', url: other.url }), prefix),
      logger as never,
    );
    opened.push(store);

    const refusal = await store.acquireLock(key, 60_000).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(StoreRefusedError);
    expect(refusal).toMatchObject({ reply: 'MOVED' });
    expect((refusal as Error).message).toMatch(
      /Redis Cluster node: .*list its nodes in redis\.cluster/,
    );
    expect(store.isDegraded()).toBe(false);
    expect(store.refusal()).toMatch(/MOVED/);
    expect(logger.lines.filter((line) => /unreachable/.test(line))).toEqual([]);
  });
});

// Last in this file: it takes a master away for good.
describe('a master of the Redis Cluster lost', () => {
  it(
    'is an outage until the cluster promotes its replica, which the store then finds by itself',
    async () => {
      const prefix = uniquePrefix();
      const key = '{wx123}:access_token';
      const store = new ResilientCredentialStore(
        await connectStore(topology, prefix),
        new LinesLogger() as never,
      );
      try {
        const now = Date.now();
        await store.set(key, { value: 'v1', fetchedAt: now, expiresAt: now + 60_000 });
        const lost = await cluster.masterOf(prefix + key);
        // Copied to its replica before the master goes.
        await lost.command('WAIT', '1', '5000');
        await lost.stop();

        await waitFor('the store to see the outage', () => store.isDegraded());
        await waitFor(
          'the cluster to promote the replica',
          async () => (await cluster.masterOf(prefix + key)) !== lost && (await cluster.isOk()),
          30_000,
        );
        await waitFor('the store to find the new master', () => !store.isDegraded(), 30_000);
        expect((await store.get(key))?.value).toBe('v1');
        expect(await store.acquireLock(`${key}:lock`, 60_000)).toBeDefined();
        expect(store.refusal()).toBeUndefined();
      } finally {
        await store.close();
      }
    },
    SLOW_MS,
  );
});
