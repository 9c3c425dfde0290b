import { afterEach, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  TokenService,
  WeChatApiClient,
  WeChatModule,
  type WeChatModuleOptions,
} from '../../src/index.js';
import { RedisCredentialStore } from '../../src/store/redis-credential-store.js';
import { TestClock, type WeChatEmulator } from '../../src/testing/index.js';
import { RefreshScheduler } from '../../src/token/refresh-scheduler.js';
import { LinesLogger } from '../support/lines-logger.js';
import { REDIS_URL, uniquePrefix } from '../support/redis.js';
import { APP_ID, emulatorOptions, startEmulator, waitFor } from '../support/wechat-test-app.js';

const TOKEN = '/cgi-bin/token';
const PROTECTED = '/cgi-bin/get_api_domain_ip';
const REFRESH_TIMER = `nestjs-wechat:${APP_ID}:access_token:refresh`;

// Many instances in one process, each with its own Redis connections: cheap enough for twenty.
describe('instances sharing Redis', () => {
  let emulator: WeChatEmulator;
  let instances: TestingModule[] = [];

  afterEach(async () => {
    await Promise.all(instances.map((m) => m.close()));
    instances = [];
    await emulator?.close();
  });

  async function startInstances(count: number, options: WeChatModuleOptions, logger?: LinesLogger) {
    instances = await Promise.all(
      Array.from({ length: count }, async () => {
        const builder = Test.createTestingModule({ imports: [WeChatModule.forRoot(options)] });
        const moduleRef = await (logger ? builder.setLogger(logger) : builder).compile();
        await moduleRef.init();
        return moduleRef;
      }),
    );
    return instances;
  }

  it('twenty instances meeting the same stale token cause one refresh', async () => {
    emulator = await startEmulator();
    const options = emulatorOptions(emulator, {
      redis: { url: REDIS_URL, keyPrefix: uniquePrefix() },
    });
    await startInstances(20, options);
    await Promise.all(instances.map((m) => m.get(TokenService).getAccessToken()));
    expect(emulator.callCount(TOKEN)).toBe(1);
    emulator.revokeAllTokens();
    const replies = await Promise.all(instances.map((m) => m.get(WeChatApiClient).get(PROTECTED)));
    expect(replies).toHaveLength(20);
    expect(emulator.callCount(TOKEN)).toBe(2);
  });

  it('scheduled refreshes: every instance keeps a timer, one fetches per rotation', async () => {
    const clock = new TestClock();
    emulator = await startEmulator({ clock });
    const options = emulatorOptions(emulator, {
      clock,
      redis: { url: REDIS_URL, keyPrefix: uniquePrefix() },
    });
    await startInstances(3, options);
    await Promise.all(instances.map((m) => m.get(TokenService).getAccessToken()));
    const ROTATIONS = 3;
    for (let rotation = 1; rotation <= ROTATIONS; rotation++) {
      // Past the refresh point (300 s ahead of the 7200 s lifetime), short of expiry.
      await clock.advance(7_000_000);
      await waitFor(`rotation ${rotation}`, () => emulator.callCount(TOKEN) === 1 + rotation);
      await waitFor(`rotation ${rotation} in all instances`, async () => {
        const held = await Promise.all(instances.map((m) => m.get(TokenService).getAccessToken()));
        return new Set(held).size === 1;
      });
    }
    expect(emulator.callCount(TOKEN)).toBe(1 + ROTATIONS);
    const statuses = instances.map((m) => m.get(TokenService).status());
    const fetches = statuses.reduce((sum, s) => sum + s.fetches, 0);
    expect(fetches).toBe(1 + ROTATIONS);
    // No leader: each instance, fetcher or not, waits for the next rotation on a timer of its own.
    await waitFor('a refresh timer in every instance', () =>
      instances.every((m) => m.get(RefreshScheduler).names().includes(REFRESH_TIMER)),
    );
  });

  it('counts stable_token forces for the cluster: a second force within 30 s is normal mode', async () => {
    emulator = await startEmulator();
    const options = emulatorOptions(emulator, {
      redis: { url: REDIS_URL, keyPrefix: uniquePrefix() },
      token: { source: 'stable_token' },
    });
    await startInstances(2, options);
    const [a, b] = instances.map((m) => m.get(TokenService));
    const first = await a.getAccessToken();
    const forced = await a.refresh({ force: true });
    expect(forced).not.toBe(first);
    // Another instance, 30 s not yet passed: WeChat would not refresh, so it asks in normal mode.
    expect(await b.refresh({ force: true })).toBe(forced);
  });

  it('starts with Redis unreachable: warns once, serves tokens on its own, stays up', async () => {
    emulator = await startEmulator();
    const logger = new LinesLogger();
    const options = emulatorOptions(emulator, {
      redis: { url: 'redis://127.0.0.1:1', operationTimeoutMs: 200, connectTimeoutMs: 300 },
    });
    await startInstances(1, options, logger);
    const tokens = instances[0].get(TokenService);
    const results = await Promise.all(Array.from({ length: 50 }, () => tokens.getAccessToken()));
    expect(new Set(results).size).toBe(1);
    await expect(instances[0].get(WeChatApiClient).get(PROTECTED)).resolves.toHaveProperty(
      'ip_list',
    );
    expect(emulator.callCount(TOKEN)).toBe(1);
    expect(logger.lines.filter((l) => l.startsWith('Redis is unreachable ('))).toHaveLength(1);
    expect(
      logger.lines.some((l) =>
        /holds .*access_token:lock locally and refreshes on its own/.test(l),
      ),
    ).toBe(true);
    expect(await tokens.stats()).toMatchObject({ storeDegraded: true, fetchesToday: 1 });
  });

  it('closing during a token fetch: waits for it, stores the token, logs no outage', async () => {
    emulator = await startEmulator();
    const logger = new LinesLogger();
    const keyPrefix = uniquePrefix();
    await startInstances(
      1,
      emulatorOptions(emulator, { redis: { url: REDIS_URL, keyPrefix } }),
      logger,
    );
    emulator.injectFault(TOKEN, { delayMs: 500 });
    const token = instances[0].get(TokenService).getAccessToken();
    let fetchedBeforeClosed = false;
    void token.then(() => (fetchedBeforeClosed = true));
    await waitFor('the token request at WeChat', () => emulator.callCount(TOKEN) === 1);

    await instances[0].close();
    instances = [];
    expect(fetchedBeforeClosed).toBe(true);
    const fetched = await token;
    // Anything the closed instance might still do (release its lock, log) has happened by now.
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(emulator.callCount(TOKEN)).toBe(1);
    expect(logger.lines.filter((l) => /unreachable|failed/i.test(l))).toEqual([]);
    const store = await RedisCredentialStore.connect(
      { url: REDIS_URL, keyPrefix, operationTimeoutMs: 1000, pollIntervalMs: 5000 },
      2000,
    );
    try {
      expect(await store.get(`{${APP_ID}}:access_token`)).toMatchObject({ value: fetched });
    } finally {
      await store.close();
    }
  });
});
