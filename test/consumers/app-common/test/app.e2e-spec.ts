import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { type INestApplication, type ModuleMetadata } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { Test } from '@nestjs/testing';
import { TokenService } from 'nestjs-wechat';
import { signInAs, WeChatEmulator } from 'nestjs-wechat/testing';
import { AppModule } from '../src/app.module.js';
import { Heartbeat } from '../src/heartbeat.service.js';
import { OutboundAudit } from '../src/outbound-audit.service.js';
import { httpAdapter } from '../src/platform.js';

const APP_ID = 'wx1234567890abcdef';
const APP_SECRET = 'test-secret-0123456789abcdef';
const PUSH_TOKEN = 'consumerPushToken1';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

/** The app reads its WeChat settings from the environment (src/wechat.config.ts). */
function pointAppAt(emulator: WeChatEmulator): void {
  Object.assign(process.env, {
    WECHAT_APP_ID: APP_ID,
    WECHAT_APP_SECRET: APP_SECRET,
    WECHAT_EMULATOR_URL: emulator.url,
    WECHAT_SESSION_SECRET: 'a-session-secret-of-at-least-32-bytes!!',
    WECHAT_RETRY_DELAY_MS: '1',
    WECHAT_PUSH_TOKEN: PUSH_TOKEN,
    WECHAT_ENCODING_AES_KEY: AES_KEY,
  });
}

describe('the app against the WeChat emulator', () => {
  let emulator: WeChatEmulator;
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    emulator = await WeChatEmulator.start({ appId: APP_ID, appSecret: APP_SECRET });
    emulator.addUser({ openid: 'o_alice_01', nickname: 'Alice' });
    emulator.addUser({ openid: 'o_bob_0001', nickname: 'Bob' });
    pointAppAt(emulator);
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication(httpAdapter());
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${app.getHttpServer().address().port}`;
  });

  afterAll(async () => {
    await app?.close();
    await emulator?.close();
  });

  it('gets the access_token from the emulator', async () => {
    await expect(app.get(TokenService).getAccessToken()).resolves.toMatch(/\S{20,}/);
    expect(emulator.callCount('/cgi-bin/token')).toBe(1);
  });

  it('sends a visitor of a @WeChatAuth() route to WeChat', async () => {
    const res = await fetch(`${baseUrl}/me`, {
      headers: { accept: 'text/html' },
      redirect: 'manual',
    });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toContain(`${emulator.url}/connect/oauth2/authorize?`);
  });

  it('serves a @WeChatAuth() route to a signed-in user, and switches users', async () => {
    const alice = await signInAs(baseUrl, emulator, 'o_alice_01', { path: '/me' });
    const me = await alice.fetch('/me');
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ openid: 'o_alice_01', scope: 'snsapi_base' });

    const bob = await signInAs(baseUrl, emulator, 'o_bob_0001', { path: '/openid' });
    const openid = await fetch(`${baseUrl}/openid`, { headers: { cookie: bob.cookie } });
    expect(await openid.json()).toEqual({ openid: 'o_bob_0001' });
  });

  it('answers what users send, in safe mode, through the push endpoint', async () => {
    await emulator.configurePush({
      url: `${baseUrl}/wechat/push`,
      token: PUSH_TOKEN,
      encodingAESKey: AES_KEY,
      mode: 'safe',
    });
    const outcome = await emulator.push(emulator.compose.text('o_alice_01', 'hello'));
    expect(outcome).toMatchObject({
      shown: 'reply',
      encrypted: true,
      reply: { MsgType: 'text', Content: 'You said: hello' },
    });
  });

  it('reports health through @nestjs/terminus', async () => {
    const res = await fetch(`${baseUrl}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', info: { wechat: { status: 'up' } } });
  });

  it('retries a WeChat hiccup quickly with the test retry settings', async () => {
    emulator.injectFault('/cgi-bin/token', { errcode: -1, times: 1 });
    const fetchesBefore = emulator.callCount('/cgi-bin/token');
    await app.get(TokenService).refresh({ force: true });
    expect(emulator.callCount('/cgi-bin/token')).toBe(fetchesBefore + 2);
  });

  it("keeps the library's requests away from the app's axios interceptor", async () => {
    const audit = app.get(OutboundAudit);
    await audit.ping(`${baseUrl}/health`);
    // The app's own call is seen; none of WeChat's (token, code exchange) ever is.
    expect(audit.seen).toEqual([`${baseUrl}/health`]);
  });
});

describe("the app's own timers", () => {
  /** How often the app's 100 ms `@Interval` fires in one second of a fake clock. */
  async function ticksPerSecond(metadata: ModuleMetadata): Promise<number> {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const moduleRef = await Test.createTestingModule(metadata).compile();
      await moduleRef.init();
      const heartbeat = moduleRef.get(Heartbeat);
      heartbeat.ticks = 0;
      jest.advanceTimersByTime(1000);
      const ticks = heartbeat.ticks;
      await moduleRef.close();
      return ticks;
    } finally {
      jest.useRealTimers();
    }
  }

  it('tick as often with WeChatModule as without it', async () => {
    const emulator = await WeChatEmulator.start({ appId: APP_ID, appSecret: APP_SECRET });
    pointAppAt(emulator);
    try {
      const without = await ticksPerSecond({
        imports: [ScheduleModule.forRoot()],
        providers: [Heartbeat],
      });
      const withWeChat = await ticksPerSecond({ imports: [AppModule] });
      expect(without).toBe(10);
      expect(withWeChat).toBe(without);
    } finally {
      await emulator.close();
    }
  });
});
