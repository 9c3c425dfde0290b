import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createClient } from 'redis';
import { type WeChatModuleOptions } from '../../src/index.js';
import { type WeChatEmulator } from '../../src/testing/index.js';
import { PrivateRedis } from '../support/private-redis.js';
import { REDIS_URL, uniquePrefix } from '../support/redis.js';
import { APP_ID, emulatorOptions, startEmulator, waitFor } from '../support/wechat-test-app.js';
import { ClusterWorker } from './cluster-workers.js';

const TOKEN = '/cgi-bin/token';
const PROTECTED = '/cgi-bin/get_api_domain_ip';
const PROCESSES = 4;
// Successful calls each worker makes in a phase of a load: more than its concurrency, so some
// of them started after whatever opened the phase.
const PHASE_CALLS = 25;

interface Burst {
  tokens: string[];
  errors: string[];
}

interface LoadProgress {
  calls: number;
  succeeded: number;
  errors: string[];
}

// Separate Node processes on one Redis, the emulator as WeChat: the cluster promise, proven.
describe('a cluster of separate processes sharing one token through Redis', () => {
  let emulator: WeChatEmulator;
  // Loading Nest costs each process about a second of CPU: the tests share these processes, each
  // test opening apps of its own in them (and a process a test kills is replaced).
  let processes: Promise<ClusterWorker>[] = [];
  let workers: ClusterWorker[] = [];
  let privateRedis: PrivateRedis | undefined;

  beforeAll(async () => {
    processes = Array.from({ length: PROCESSES }, () => ClusterWorker.start());
    await Promise.all(processes);
  });

  afterEach(async () => {
    await Promise.all(workers.map((worker) => worker.closeApp()));
    workers = [];
    await privateRedis?.stop();
    privateRedis = undefined;
    await emulator?.close();
  });

  afterAll(async () => {
    await Promise.all((await Promise.all(processes)).map((worker) => worker.stop()));
  });

  function clusterOptions(overrides: Partial<WeChatModuleOptions> = {}): WeChatModuleOptions {
    return emulatorOptions(emulator, {
      redis: { url: REDIS_URL, keyPrefix: uniquePrefix() },
      ...overrides,
    });
  }

  async function startCluster(options: WeChatModuleOptions): Promise<void> {
    // A process killed by closeApp (its app would not close) is replaced too.
    processes = processes.map(async (p) => ((await p).alive ? p : ClusterWorker.start()));
    workers = await Promise.all(processes);
    await Promise.all(workers.map((worker) => worker.open(options)));
  }

  /** Kills a worker's process, and starts another to take its place in the next tests. */
  function kill(worker: ClusterWorker): void {
    worker.kill();
    processes[workers.indexOf(worker)] = ClusterWorker.start();
  }

  function startLoad(concurrency: number): Promise<unknown> {
    return Promise.all(
      workers.map((w) => w.request('startLoad', { path: PROTECTED, concurrency })),
    );
  }

  function loadProgress(): Promise<LoadProgress[]> {
    return Promise.all(workers.map((w) => w.request<LoadProgress>('loadProgress')));
  }

  /** Waits until every worker has made `PHASE_CALLS` more successful calls than at `since`. */
  async function waitForCalls(what: string, since: LoadProgress[]): Promise<void> {
    await waitFor(what, async () =>
      (await loadProgress()).every((p, i) => p.succeeded - since[i].succeeded >= PHASE_CALLS),
    );
  }

  function stopLoad(): Promise<LoadProgress[]> {
    return Promise.all(workers.map((w) => w.request<LoadProgress>('stopLoad')));
  }

  async function heldTokens(): Promise<Set<string>> {
    const held = await Promise.all(workers.map((w) => w.request<{ token: string }>('token')));
    return new Set(held.map((h) => h.token));
  }

  it(`fetches once for ${PROCESSES} processes x 250 concurrent cold callers`, async () => {
    emulator = await startEmulator();
    await startCluster(clusterOptions());
    const bursts = await Promise.all(workers.map((w) => w.request<Burst>('burst', { count: 250 })));
    expect(bursts.flatMap((b) => b.errors)).toEqual([]);
    expect(new Set(bursts.flatMap((b) => b.tokens)).size).toBe(1);
    expect(emulator.callCount(TOKEN)).toBe(1);
    const stats = await workers[0].request<{ stats: { fetchesToday: number } }>('stats');
    expect(stats.stats.fetchesToday).toBe(1);
  });

  it('gives callers zero errors while WeChat invalidates and rotates the token under load', async () => {
    emulator = await startEmulator({ overlapSeconds: 0 });
    await startCluster(clusterOptions());
    await startLoad(8);
    await waitForCalls('calls on every worker', await loadProgress());
    emulator.revokeAllTokens();
    await waitForCalls('calls with a new token on every worker', await loadProgress());
    // Someone outside the cluster fetches a token: ours dies when the overlap ends.
    await fetch(
      `${emulator.url}${TOKEN}?grant_type=client_credential&appid=${APP_ID}&secret=${emulatorOptions(emulator).appSecret}`,
    );
    emulator.clock.advance(1000);
    await waitForCalls('calls with the rotated token on every worker', await loadProgress());
    const results = await stopLoad();
    expect(results.flatMap((r) => r.errors)).toEqual([]);
    // 1 cold start + 1 after the revocation + the outsider's + 1 after the rotation.
    expect(emulator.callCount(TOKEN)).toBe(4);
    expect((await heldTokens()).size).toBe(1);
  });

  it('finishes a refresh whose lock holder was SIGKILLed, after the lease and not before', async () => {
    emulator = await startEmulator();
    const httpTimeoutMs = 1000;
    const options = clusterOptions({ httpTimeoutMs, retry: { attempts: 1, baseDelayMs: 10 } });
    const leaseMs = httpTimeoutMs + 1000; // one attempt's timeout plus the lease margin
    const lockKey = `${options.redis!.keyPrefix}{${APP_ID}}:access_token:lock`;
    await startCluster(options);
    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    // Far longer than finding and killing the lock holder takes.
    emulator.injectFault(TOKEN, { delayMs: 800 });
    const bursts = workers.map((w) =>
      w.request<Burst>('burst', { count: 250 }).catch((e: Error) => e),
    );
    await waitFor('the first fetch', () => emulator.callCount(TOKEN) === 1);

    const lease = await redis.get(lockKey);
    const holder = workers.find((w) => lease?.startsWith(`${w.pid}:`));
    expect(holder).toBeDefined();
    kill(holder!);
    const askedAt = Date.now();
    const leaseLeftMs = await redis.pTTL(lockKey);
    await redis.close();
    // The lease runs out no earlier than this: Redis counted what was left after askedAt.
    const leaseEndsAt = askedAt + leaseLeftMs;

    const survivors = workers.filter((w) => w !== holder);
    const results = (await Promise.all(bursts.filter((_, i) => workers[i] !== holder))) as Burst[];
    expect(results.flatMap((r) => r.errors)).toEqual([]);
    expect(new Set(results.flatMap((r) => r.tokens)).size).toBe(1);
    expect(survivors).toHaveLength(PROCESSES - 1);
    const calls = emulator.callTimes(TOKEN);
    expect(calls).toHaveLength(2);
    expect(leaseLeftMs).toBeGreaterThan(0);
    expect(leaseLeftMs).toBeLessThanOrEqual(leaseMs);
    expect(calls[1]).toBeGreaterThanOrEqual(leaseEndsAt);
    // An upper bound that holds on a loaded machine too: a survivor took over when its wait
    // ended (a poll at most 500 ms later), well before a second lease would have run out.
    expect(calls[1] - leaseEndsAt).toBeLessThan(leaseMs);
  });

  it('rides out a Redis outage under load, then converges on one token', async () => {
    emulator = await startEmulator();
    privateRedis = await PrivateRedis.start();
    await startCluster(
      clusterOptions({
        redis: { url: privateRedis.url, operationTimeoutMs: 300, connectTimeoutMs: 1000 },
      }),
    );
    await startLoad(4);
    await waitForCalls('calls on every worker', await loadProgress());
    await privateRedis.stop();
    await waitFor('every worker to notice the outage', () =>
      workers.every((w) => w.logLines(/^Redis is unreachable \(/).length > 0),
    );
    await waitForCalls('calls without Redis on every worker', await loadProgress());
    // While Redis is down, WeChat invalidates the token: each instance repairs it on its own.
    emulator.revokeAllTokens();
    await waitForCalls('calls with a repaired token on every worker', await loadProgress());
    await privateRedis.start();
    await waitFor('every worker to reach Redis again', () =>
      workers.every((w) => w.logLines(/^Redis answers again/).length > 0),
    );
    await waitFor(
      'one token across the cluster',
      async () => (await heldTokens()).size === 1,
    ).catch(async (error: Error) => {
      // Say what each worker holds and went through, so a split cluster can be told apart.
      const held = await Promise.all(workers.map((w) => w.request<{ token: string }>('token')));
      const stats = await Promise.all(
        workers.map((w) => w.request<{ stats: { fetchedAt?: string } }>('stats')),
      );
      const redis = createClient({ url: privateRedis!.url });
      await redis.connect();
      const [key] = await redis.keys('*:access_token');
      const stored = key
        ? (JSON.parse((await redis.get(key)) ?? 'null') as Record<string, unknown>)
        : null;
      await redis.close();
      const storeSays = stored && { ...stored, value: `…${String(stored.value).slice(-6)}` };
      const story = workers.map((w, i) => ({
        token: `…${held[i].token.slice(-6)}`,
        fetchedAt: stats[i].stats.fetchedAt,
        logs: w.logs.map((l) => `${l.level}: ${l.message.slice(0, 80)}`),
      }));
      throw new Error(`${error.message}\n${JSON.stringify({ storeSays, story }, null, 1)}`);
    });
    await waitForCalls('calls after the recovery on every worker', await loadProgress());
    const results = await stopLoad();
    expect(results.flatMap((r) => r.errors)).toEqual([]);

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
