import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  TokenService,
  WeChatApiClient,
  WeChatModule,
  type WeChatModuleOptions,
} from '../../src/index.js';
import { accountKey } from '../../src/store/account-keys.js';
import { type WeChatEmulator } from '../../src/testing/index.js';
import { LinesLogger } from '../support/lines-logger.js';
import { uniquePrefix } from '../support/redis.js';
import { RedisSentinelSet } from '../support/redis-topology.js';
import { waitFor } from '../support/wait-for.js';
import { APP_ID, emulatorOptions, startEmulator } from '../support/wechat-test-app.js';

const TOKEN = '/cgi-bin/token';
const PROTECTED = '/cgi-bin/get_api_domain_ip';
// Callers in each instance, each calling one call after another.
const CONCURRENCY = 4;
// Waits and limits here are generous: they matter only on a machine busy with other work, where
// the store's timeouts are kept out of reach too (a timeout is an outage, not a failover).
const SLOW_MS = 60_000;
const WAIT_MS = 30_000;
const PATIENT_REDIS = { operationTimeoutMs: 5000, connectTimeoutMs: 10_000 };

interface Load {
  progress: { succeeded: number; errors: string[] };
  /** Stops the callers; resolves, once every call in flight has finished, with the totals. */
  stop(): Promise<Load['progress']>;
}

describe('a Sentinel failover', () => {
  let sentinels: RedisSentinelSet;
  let emulator: WeChatEmulator | undefined;
  let instances: TestingModule[] = [];
  let load: Load | undefined;

  beforeAll(async () => {
    sentinels = await RedisSentinelSet.start();
  }, SLOW_MS);

  afterEach(async () => {
    await load?.stop();
    load = undefined;
    await Promise.all(instances.map((instance) => instance.close()));
    instances = [];
    await emulator?.close();
  });

  afterAll(async () => {
    await sentinels?.stop();
  });

  async function startInstances(count: number, options: WeChatModuleOptions, logger: LinesLogger) {
    const started = await Promise.all(
      Array.from({ length: count }, async () => {
        const instance = await Test.createTestingModule({
          imports: [WeChatModule.forRoot(options)],
        })
          .setLogger(logger)
          .compile();
        await instance.init();
        return instance;
      }),
    );
    instances.push(...started);
    return started.map((instance) => ({
      tokens: instance.get(TokenService),
      api: instance.get(WeChatApiClient),
    }));
  }

  /** Waits for what a failover brings; a timeout says what the sentinels did meanwhile. */
  async function waitForSentinels(what: string, condition: () => Promise<boolean>) {
    await waitFor(what, condition, WAIT_MS).catch((error: Error) => {
      throw new Error(`${error.message}; the sentinels logged:\n${sentinels.events()}`);
    });
  }

  /** Callers that get the token and call an API in a loop, each call after the last, until stopped. */
  function startLoad(apps: { tokens: TokenService; api: WeChatApiClient }[]): Load {
    const progress = { succeeded: 0, errors: [] as string[] };
    let running = true;
    const loops = apps.flatMap(({ tokens, api }) =>
      Array.from({ length: CONCURRENCY }, async () => {
        while (running) {
          try {
            await tokens.getAccessToken();
            await api.get(PROTECTED);
            progress.succeeded += 1;
          } catch (error) {
            progress.errors.push(`${(error as Error).name}: ${(error as Error).message}`);
          }
          // A call answered from memory settles without I/O: let timers and sockets run too.
          await new Promise((resolve) => setImmediate(resolve));
        }
      }),
    );
    return {
      progress,
      async stop() {
        running = false;
        await Promise.all(loops);
        return progress;
      },
    };
  }

  it(
    'under load: no caller errors, at most one extra token fetch, and the stats settle truthful',
    async () => {
      emulator = await startEmulator();
      const logger = new LinesLogger();
      const keyPrefix = uniquePrefix();
      const options = emulatorOptions(emulator, {
        redis: {
          sentinel: { name: sentinels.name, sentinels: sentinels.sentinelUrls },
          keyPrefix,
          ...PATIENT_REDIS,
        },
      });
      const apps = await startInstances(2, options, logger);
      await Promise.all(apps.map(({ tokens }) => tokens.getAccessToken()));
      expect(emulator.callCount(TOKEN)).toBe(1);

      load = startLoad(apps);
      const { progress } = load;
      const oldMaster = await sentinels.master();
      const newMaster = await sentinels.failover();
      // Revoked while the failover runs: both instances meet the dead token and refresh it through
      // the store's lock, wherever the master is at that moment.
      emulator.revokeAllTokens();
      await waitForSentinels('the sentinels to name the new master', () =>
        sentinels.names(newMaster),
      );
      await waitForSentinels(
        'the old master to be demoted',
        async () => (await oldMaster.role()) === 'slave',
      );
      // Revoked again once the failover is over: the refresh goes through the new master.
      emulator.revokeAllTokens();
      const tokenKey = keyPrefix + accountKey(APP_ID, 'access_token');
      await waitFor(
        'both instances to hold the token the new master holds',
        async () => {
          const stored = await newMaster.command<string | null>('GET', tokenKey);
          const held = await Promise.all(apps.map(({ tokens }) => tokens.getAccessToken()));
          return stored !== null && held.every((token) => token === JSON.parse(stored).value);
        },
        WAIT_MS,
      );
      await waitFor(
        'both instances to settle, neither degraded nor refused',
        async () => {
          const stats = await Promise.all(apps.map(({ tokens }) => tokens.stats()));
          return stats.every((s) => !s.storeDegraded && s.storeRefusal === undefined);
        },
        WAIT_MS,
      );
      const succeededBefore = progress.succeeded;
      await waitFor(
        'calls to go on after the failover',
        () => progress.succeeded >= succeededBefore + 4 * CONCURRENCY,
        WAIT_MS,
      );
      const { errors } = await load.stop();

      expect(errors).toEqual([]);
      // One fetch at start and one per revocation; a fetch stored on the old master in the
      // moment both servers are masters can be lost to the demotion: at most one more.
      expect(emulator.callCount(TOKEN)).toBeGreaterThanOrEqual(3);
      expect(emulator.callCount(TOKEN)).toBeLessThanOrEqual(4);
      expect(logger.lines.filter((line) => /Redis refused/.test(line))).toEqual([]);
    },
    SLOW_MS,
  );

  it(
    'a plain redis.url left on the old master: the stats report the refusal, not an outage',
    async () => {
      emulator = await startEmulator();
      const logger = new LinesLogger();
      const oldMaster = await sentinels.master();
      const [{ tokens }] = await startInstances(
        1,
        emulatorOptions(emulator, {
          redis: { url: oldMaster.url, keyPrefix: uniquePrefix(), ...PATIENT_REDIS },
        }),
        logger,
      );
      await tokens.getAccessToken();
      expect(await tokens.stats()).toMatchObject({ storeDegraded: false, storeRefusal: undefined });

      const newMaster = await sentinels.failover();
      await waitForSentinels('the sentinels to name the new master', () =>
        sentinels.names(newMaster),
      );
      // Nothing asks the store for anything meanwhile: the token is held in memory. Demoted, the
      // old master drops its clients; the instance finds the refusal as it reconnects.
      await waitForSentinels(
        'the stats to report the refusal',
        async () => (await tokens.stats()).storeRefusal !== undefined,
      );
      await waitFor(
        'the instance to be back on the server',
        async () => !(await tokens.stats()).storeDegraded,
        WAIT_MS,
      );
      const stats = await tokens.stats();
      expect(stats.storeRefusal).toMatch(/READONLY/);
      expect(stats.storeRefusal).toMatch(/point redis\.url at the master or use redis\.sentinel/);
    },
    SLOW_MS,
  );
});
