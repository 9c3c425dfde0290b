import { afterEach, describe, expect, it } from '@jest/globals';
import { createClient } from 'redis';
import { type WeChatModuleOptions } from '../../src/index.js';
import { type WeChatEmulator } from '../../src/testing/index.js';
import { PrivateRedis } from '../support/private-redis.js';
import { REDIS_URL, uniquePrefix } from '../support/redis.js';
import {
  APP_ID,
  emulatorOptions,
  sleep,
  startEmulator,
  waitFor,
} from '../support/wechat-test-app.js';
import { type ClusterWorker, startWorkers } from './cluster-workers.js';

const TOKEN = '/cgi-bin/token';
const PROTECTED = '/cgi-bin/get_api_domain_ip';
const PROCESSES = 4;

// Separate Node processes on one Redis, the emulator as WeChat: the cluster promise, proven.
describe('a cluster of separate processes sharing one token through Redis', () => {
  let emulator: WeChatEmulator;
  let workers: ClusterWorker[] = [];
  let privateRedis: PrivateRedis | undefined;

  afterEach(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    workers = [];
    await privateRedis?.stop();
    privateRedis = undefined;
    await emulator?.close();
  });

  function clusterOptions(overrides: Partial<WeChatModuleOptions> = {}): WeChatModuleOptions {
    return emulatorOptions(emulator, {
      redis: { url: REDIS_URL, keyPrefix: uniquePrefix() },
      ...overrides,
    });
  }

  it(`fetches once for ${PROCESSES} processes x 250 concurrent cold callers`, async () => {
    emulator = await startEmulator();
    workers = await startWorkers(PROCESSES, clusterOptions());
    const bursts = await Promise.all(
      workers.map((w) =>
        w.request<{ tokens: string[]; errors: string[] }>('burst', { count: 250 }),
      ),
    );
    expect(bursts.flatMap((b) => b.errors)).toEqual([]);
    expect(new Set(bursts.flatMap((b) => b.tokens)).size).toBe(1);
    expect(emulator.callCount(TOKEN)).toBe(1);
    const stats = await workers[0].request<{ stats: { fetchesToday: number } }>('stats');
    expect(stats.stats.fetchesToday).toBe(1);
  });

  it('gives callers zero errors while WeChat invalidates and rotates the token under load', async () => {
    emulator = await startEmulator({ overlapSeconds: 0 });
    workers = await startWorkers(PROCESSES, clusterOptions());
    const loads = Promise.all(
      workers.map((w) =>
        w.request<{ calls: number; errors: string[] }>('load', {
          path: PROTECTED,
          concurrency: 8,
          durationMs: 5000,
        }),
      ),
    );
    await sleep(1500);
    emulator.revokeAllTokens();
    await sleep(1500);
    // Someone outside the cluster fetches a token: ours dies when the overlap ends.
    await fetch(
      `${emulator.url}${TOKEN}?grant_type=client_credential&appid=${APP_ID}&secret=${emulatorOptions(emulator).appSecret}`,
    );
    emulator.clock.advance(1000);
    const results = await loads;
    expect(results.flatMap((r) => r.errors)).toEqual([]);
    expect(results.reduce((sum, r) => sum + r.calls, 0)).toBeGreaterThan(200);
    // 1 cold start + 1 after the revocation + the outsider's + 1 after the rotation.
    expect(emulator.callCount(TOKEN)).toBe(4);
    const held = await Promise.all(workers.map((w) => w.request<{ token: string }>('token')));
    expect(new Set(held.map((h) => h.token)).size).toBe(1);
  });

  it('finishes a refresh whose lock holder was SIGKILLed, after the lease and not before', async () => {
    emulator = await startEmulator();
    const options = clusterOptions({
      httpTimeoutMs: 3000,
      retry: { attempts: 1, baseDelayMs: 10 },
    });
    const leaseMs = 3000 + 1000; // one attempt's timeout plus the lease margin
    workers = await startWorkers(PROCESSES, options);
    emulator.injectFault(TOKEN, { delayMs: 2500 });
    const bursts = workers.map((w) =>
      w
        .request<{ tokens: string[]; errors: string[] }>('burst', { count: 250 })
        .catch((e: Error) => e),
    );
    await waitFor('the first fetch', () => emulator.callCount(TOKEN) === 1);
    const lockedAt = emulator.callTimes(TOKEN)[0];

    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    const lease = await redis.get(`${options.redis!.keyPrefix}${APP_ID}:access_token:lock`);
    await redis.close();
    const holder = workers.find((w) => lease?.startsWith(`${w.pid}:`));
    expect(holder).toBeDefined();
    holder!.kill();

    const survivors = workers.filter((w) => w !== holder);
    const results = (await Promise.all(bursts.filter((_, i) => workers[i] !== holder))) as {
      tokens: string[];
      errors: string[];
    }[];
    const doneAt = Date.now();
    expect(results.flatMap((r) => r.errors)).toEqual([]);
    expect(new Set(results.flatMap((r) => r.tokens)).size).toBe(1);
    expect(survivors).toHaveLength(PROCESSES - 1);
    const calls = emulator.callTimes(TOKEN);
    expect(calls).toHaveLength(2);
    expect(calls[1] - lockedAt).toBeGreaterThanOrEqual(leaseMs - 100);
    expect(doneAt - lockedAt).toBeLessThanOrEqual(leaseMs + 1000 + 500);
  });

  it('rides out a Redis outage under load, then converges on one token', async () => {
    emulator = await startEmulator();
    privateRedis = await PrivateRedis.start();
    workers = await startWorkers(
      PROCESSES,
      clusterOptions({
        redis: { url: privateRedis.url, operationTimeoutMs: 300, connectTimeoutMs: 1000 },
      }),
    );
    const loads = Promise.all(
      workers.map((w) =>
        w.request<{ calls: number; errors: string[] }>('load', {
          path: PROTECTED,
          concurrency: 4,
          durationMs: 7000,
        }),
      ),
    );
    await sleep(1000);
    await privateRedis.stop();
    await sleep(1000);
    // While Redis is down, WeChat invalidates the token: each instance repairs it on its own.
    emulator.revokeAllTokens();
    await sleep(1500);
    await privateRedis.start();
    const results = await loads;
    expect(results.flatMap((r) => r.errors)).toEqual([]);

    await waitFor(
      'one token across the cluster',
      async () => {
        const held = await Promise.all(workers.map((w) => w.request<{ token: string }>('token')));
        return new Set(held.map((h) => h.token)).size === 1;
      },
      10_000,
    );
    await expect(workers[0].request('call', { path: PROTECTED })).resolves.toMatchObject({
      reply: { ip_list: expect.any(Array) },
    });
    for (const worker of workers) {
      expect(worker.logLines(/^Redis is unreachable \(/)).toHaveLength(1);
      expect(worker.logLines(/^Redis answers again/)).toHaveLength(1);
    }
    expect(workers.some((w) => w.logLines(/refreshes on its own/).length > 0)).toBe(true);
  });
});
