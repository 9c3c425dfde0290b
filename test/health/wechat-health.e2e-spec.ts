import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { WeChatHealthIndicator } from '../../src/health/index.js';
import { createClient } from 'redis';
import { TokenService, WeChatModule, type WeChatModuleOptions } from '../../src/index.js';
import { PrivateRedis } from '../support/private-redis.js';
import { TestClock, type WeChatEmulator } from '../../src/testing/index.js';
import { emulatorOptions, startEmulator } from '../support/wechat-test-app.js';

@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly wechat: WeChatHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.wechat.isHealthy()]);
  }
}

describe('WeChatHealthIndicator', () => {
  let emulator: WeChatEmulator;
  let app: INestApplication;

  afterEach(async () => {
    await app?.close();
    await emulator?.close();
  });

  async function start(overrides: Partial<WeChatModuleOptions> = {}) {
    // Noon in Beijing: the day's fetch count cannot roll over to a new day between two reads.
    const clock = new TestClock(Date.UTC(2025, 0, 15, 4));
    emulator = await startEmulator({ clock });
    const moduleRef = await Test.createTestingModule({
      imports: [
        TerminusModule,
        WeChatModule.forRoot(emulatorOptions(emulator, { clock, ...overrides })),
      ],
      controllers: [HealthController],
      providers: [WeChatHealthIndicator],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    return request(app.getHttpServer()).get('/health');
  }

  it('is up while the token can be obtained', async () => {
    const res = await start();
    expect(res.status).toBe(200);
    expect(res.body.info.wechat).toMatchObject({ status: 'up', source: 'token', fetchesToday: 1 });
  });

  it('is down with the reason when the token cannot be obtained, without the secret', async () => {
    const res = await start({ appSecret: 'wrong-secret-never-shown' });
    expect(res.status).toBe(503);
    expect(res.body.error.wechat.status).toBe('down');
    expect(res.body.error.wechat.message).toMatch(/40125/);
    expect(JSON.stringify(res.body)).not.toContain('wrong-secret-never-shown');
  });

  it('is degraded while Redis is unreachable', async () => {
    const res = await start({
      redis: { url: 'redis://127.0.0.1:1', operationTimeoutMs: 100, connectTimeoutMs: 200 },
    });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toContain('"status":"degraded"');
  });

  it('is degraded with the reason once Redis refuses a write (full)', async () => {
    const redis = await PrivateRedis.start();
    const admin = createClient({ url: redis.url });
    try {
      await admin.connect();
      expect((await start({ redis: { url: redis.url } })).body.info.wechat.status).toBe('up');
      await admin.configSet({ 'maxmemory-policy': 'noeviction', maxmemory: '1' });
      await expect(app.get(TokenService).refresh({ force: true })).rejects.toThrow(/OOM/);

      const res = await request(app.getHttpServer()).get('/health');
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).toContain('"status":"degraded"');
      expect(JSON.stringify(res.body)).toMatch(/shared store refuses writes: Redis refused .*OOM/);
    } finally {
      await app.close();
      await admin.close();
      await redis.stop();
    }
  });
});
