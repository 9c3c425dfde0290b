import { afterEach, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { createClient } from 'redis';
import {
  StoreRefusedError,
  TokenService,
  WeChatModule,
  type WeChatModuleOptions,
} from '../../src/index.js';
import { type WeChatEmulator } from '../../src/testing/index.js';
import { LinesLogger } from '../support/lines-logger.js';
import { PrivateRedis } from '../support/private-redis.js';
import { uniquePrefix } from '../support/redis.js';
import { emulatorOptions, startEmulator } from '../support/wechat-test-app.js';

const TOKEN = '/cgi-bin/token';

// Issue 12, point 2: a Redis that answers "-OOM" (maxmemory reached, noeviction) or "-READONLY"
// (a replica) is not an outage. Once, it was taken for one: each instance took the fetch lock in
// its own memory, fetched a token of its own and invalidated the other's.
describe('a Redis that refuses writes', () => {
  let emulator: WeChatEmulator;
  let redis: PrivateRedis;
  let admin: ReturnType<typeof createClient>;
  let instances: TestingModule[] = [];

  afterEach(async () => {
    await Promise.all(instances.map((m) => m.close()));
    instances = [];
    await admin?.close();
    await redis?.stop();
    await emulator?.close();
  });

  async function startTwoInstances(logger: LinesLogger): Promise<TokenService[]> {
    emulator = await startEmulator();
    redis = await PrivateRedis.start();
    admin = createClient({ url: redis.url });
    await admin.connect();
    const options: WeChatModuleOptions = emulatorOptions(emulator, {
      redis: { url: redis.url, keyPrefix: uniquePrefix() },
    });
    instances = await Promise.all(
      [0, 1].map(async () => {
        const moduleRef = await Test.createTestingModule({
          imports: [WeChatModule.forRoot(options)],
        })
          .setLogger(logger)
          .compile();
        await moduleRef.init();
        return moduleRef;
      }),
    );
    return instances.map((m) => m.get(TokenService));
  }

  it('full (OOM): no instance fetches on its own, the refusal is reported, and all resume after', async () => {
    const logger = new LinesLogger();
    const tokens = await startTwoInstances(logger);
    await admin.configSet({ 'maxmemory-policy': 'noeviction', maxmemory: '1' });

    const refusals = await Promise.all(tokens.map((t) => t.getAccessToken().catch((e) => e)));
    for (const refusal of refusals) {
      expect(refusal).toBeInstanceOf(StoreRefusedError);
      expect(refusal).toMatchObject({ reply: 'OOM' });
      expect((refusal as Error).message).toMatch(/maxmemory/);
    }
    expect(emulator.callCount(TOKEN)).toBe(0);
    const stats = await tokens[0].stats();
    expect(stats).toMatchObject({
      storeDegraded: false,
      storeRefusal: expect.stringMatching(/OOM/),
    });
    expect(logger.lines.filter((l) => /Redis refused/.test(l))).toHaveLength(2);
    expect(logger.lines.filter((l) => /unreachable/.test(l))).toEqual([]);

    await admin.configSet('maxmemory', '0');
    const [a, b] = await Promise.all(tokens.map((t) => t.getAccessToken()));
    expect(a).toBe(b);
    expect(emulator.callCount(TOKEN)).toBe(1);
    await expect(tokens[1].stats()).resolves.toMatchObject({ storeRefusal: undefined });
    expect(logger.lines.filter((l) => /Redis accepts writes again/.test(l))).toHaveLength(2);
  });

  it('read-only (a replica): the same, and the message says to point at the master', async () => {
    const logger = new LinesLogger();
    const tokens = await startTwoInstances(logger);
    const master = await PrivateRedis.start();
    try {
      await admin.sendCommand(['REPLICAOF', '127.0.0.1', String(master.port)]);
      const refusals = await Promise.all(tokens.map((t) => t.getAccessToken().catch((e) => e)));
      for (const refusal of refusals) {
        expect(refusal).toMatchObject({ name: 'StoreRefusedError', reply: 'READONLY' });
        expect((refusal as Error).message).toMatch(/point redis.url at the master/);
      }
      expect(emulator.callCount(TOKEN)).toBe(0);
    } finally {
      await admin.sendCommand(['REPLICAOF', 'NO', 'ONE']);
      await master.stop();
    }
  });
});
