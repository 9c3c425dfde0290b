import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { WeChatHealthIndicator } from '../../src/health/index.js';
import { WeChatAccounts, WeChatModule, type WeChatModuleOptions } from '../../src/index.js';
import { WeChatEmulators } from '../../src/testing/index.js';

const SHOP = { name: 'shop', appId: 'wx1111aaaa2222bbbb', appSecret: 'shop-secret-0123456789' };
const BRAND = { name: 'brand', appId: 'wx3333cccc4444dddd', appSecret: 'brand-secret-0123456789' };

@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly wechat: WeChatHealthIndicator,
    private readonly accounts: WeChatAccounts,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.wechat.isHealthy()]);
  }

  @Get('brand')
  @HealthCheck()
  async brand() {
    const brand = await this.accounts.get('brand');
    return this.health.check([() => this.wechat.isHealthy('brand', brand)]);
  }
}

describe('WeChatHealthIndicator with several accounts', () => {
  let wechat: WeChatEmulators;
  let app: INestApplication | undefined;

  afterEach(async () => {
    await app?.close();
    await wechat?.close();
  });

  async function start(options: Partial<WeChatModuleOptions>) {
    wechat = await WeChatEmulators.start([SHOP, BRAND]);
    const moduleRef = await Test.createTestingModule({
      imports: [
        TerminusModule,
        WeChatModule.forRoot({
          apiBaseUrl: wechat.url,
          token: { prefetch: false },
          retry: { attempts: 1, baseDelayMs: 1 },
          ...options,
        }),
      ],
      controllers: [HealthController],
      providers: [WeChatHealthIndicator],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    return request(app.getHttpServer());
  }

  it("checks the default account's token, or the account asked for", async () => {
    const http = await start({ accounts: [SHOP, { ...BRAND, appSecret: 'wrong-brand-secret' }] });
    const health = await http.get('/health');
    expect(health.status).toBe(200);
    expect(health.body.info.wechat).toMatchObject({ status: 'up', appId: SHOP.appId });
    const brand = await http.get('/health/brand');
    expect(brand.status).toBe(503);
    expect(brand.body.error.brand.message).toMatch(/40125/);
    expect(JSON.stringify(brand.body)).not.toContain('wrong-brand-secret');
  });

  it('reports the store alone in a module with only an account source', async () => {
    const http = await start({ accountSource: { find: async () => undefined } });
    const health = await http.get('/health');
    expect(health.status).toBe(200);
    expect(health.body.info.wechat).toMatchObject({ status: 'up', accounts: 0 });
  });
});
