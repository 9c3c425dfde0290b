import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type WeChatEmulator } from '../../src/testing/index.js';
import { ClusterWorker } from '../cluster/cluster-workers.js';
import { uniquePrefix } from '../support/redis.js';
import { RedisClusterSet } from '../support/redis-topology.js';
import { waitFor } from '../support/wait-for.js';
import { emulatorOptions, startEmulator } from '../support/wechat-test-app.js';

const TOKEN = '/cgi-bin/token';
const PROTECTED = '/cgi-bin/get_api_domain_ip';
const PROCESSES = 2;
const LIFETIMES = 3;
// Generous: these matter only on a machine busy with other work.
const SLOW_MS = 60_000;

interface Burst {
  tokens: string[];
  errors: string[];
}

interface TokenStats {
  storeDegraded: boolean;
  storeRefusal?: string;
}

// Separate Node processes (the built package, as an app loads it) on a Redis Cluster of three
// masters, each with a replica: the cluster promise, on a cluster of Redis too.
describe('processes sharing one token through a Redis Cluster', () => {
  let cluster: RedisClusterSet | undefined;
  let emulator: WeChatEmulator | undefined;
  let workers: ClusterWorker[] = [];

  beforeAll(async () => {
    // Loading Nest costs each process about a second of CPU: started while the cluster forms.
    const started = Array.from({ length: PROCESSES }, () => ClusterWorker.start());
    const [formed] = await Promise.allSettled([RedisClusterSet.start()]);
    workers = (await Promise.allSettled(started)).flatMap((w) =>
      w.status === 'fulfilled' ? [w.value] : [],
    );
    if (formed.status === 'rejected') throw formed.reason;
    cluster = formed.value;
    if (workers.length < PROCESSES) throw new Error('a worker process did not start');
  }, SLOW_MS);

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await emulator?.close();
    await cluster?.stop();
  });

  it(
    'fetches once per token lifetime, whichever process meets the need first',
    async () => {
      emulator = await startEmulator();
      const options = emulatorOptions(emulator, {
        // A timeout is an outage (each process then fetches on its own): kept out of reach.
        redis: { cluster: cluster!.urls, keyPrefix: uniquePrefix(), operationTimeoutMs: 5000 },
      });
      await Promise.all(workers.map((worker) => worker.open(options)));

      const bursts = await Promise.all(
        workers.map((worker) => worker.request<Burst>('burst', { count: 50 })),
      );
      expect(bursts.flatMap((burst) => burst.errors)).toEqual([]);
      expect(new Set(bursts.flatMap((burst) => burst.tokens)).size).toBe(1);
      expect(emulator.callCount(TOKEN)).toBe(1);

      for (let lifetime = 2; lifetime <= LIFETIMES; lifetime++) {
        // WeChat ends the token: every process meets 40001 on its next call, at once.
        emulator.revokeAllTokens();
        await Promise.all(
          workers.flatMap((worker) =>
            Array.from({ length: 10 }, () => worker.request('call', { path: PROTECTED })),
          ),
        );
        expect(emulator.callCount(TOKEN)).toBe(lifetime);
        await waitFor(`lifetime ${lifetime}'s token in every process`, async () => {
          const held = await Promise.all(
            workers.map((worker) => worker.request<{ token: string }>('token')),
          );
          return new Set(held.map(({ token }) => token)).size === 1;
        });
      }

      const stats = await Promise.all(
        workers.map((worker) => worker.request<{ stats: TokenStats }>('stats')),
      );
      for (const { stats: each } of stats) {
        expect(each.storeDegraded).toBe(false);
        expect(each.storeRefusal).toBeUndefined();
      }
      await Promise.all(workers.map((worker) => worker.closeApp()));
    },
    SLOW_MS,
  );
});
