import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type INestApplication } from '@nestjs/common';
import { type WeChatEmulator } from '../../src/testing/index.js';
import { REDIS_URL, uniquePrefix } from '../support/redis.js';
import { emulatorOptions, startEmulator } from '../support/wechat-test-app.js';
import { startOAuthApp } from './platforms.js';
import { TestBrowser } from './test-browser.js';

const SESSION_SECRET = 'cluster-session-secret-0123456789abcdefgh';

// Two instances behind one (imagined) load balancer: the callback may land on either.
describe('web authorization across instances sharing Redis', () => {
  let emulator: WeChatEmulator;
  let apps: INestApplication[] = [];
  let urls: string[] = [];

  beforeEach(async () => {
    emulator = await startEmulator();
    emulator.addUser({ openid: 'o_alice_0001', nickname: 'Alice' });
    emulator.signIn('o_alice_0001');
    const options = emulatorOptions(emulator, {
      redis: { url: REDIS_URL, keyPrefix: uniquePrefix() },
      oauth: { sessionSecret: SESSION_SECRET },
    });
    const started = await Promise.all([
      startOAuthApp('express', options),
      startOAuthApp('fastify', options),
    ]);
    apps = started.map((s) => s.app);
    urls = started.map((s) => s.url);
  });

  afterEach(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await emulator.close();
  });

  it('a state issued by one instance is accepted once by another, and the session works on both', async () => {
    const [a, b] = urls.map((url) => new URL(url));
    const browser = new TestBrowser();
    const first = await browser.get(`${a.origin}/me`);
    const atWeChat = await browser.follow(first);
    const callback = new URL(atWeChat.location!);
    // The balancer sends the callback to instance B; the browser's cookies are the same origin's.
    browser.setCookie(
      b.host,
      'wechat_session_oauth',
      browser.cookie(a.host, 'wechat_session_oauth')!,
    );
    const onB = await browser.get(`${b.origin}${callback.pathname}${callback.search}`);
    expect(onB.status).toBe(302);
    expect(onB.location).toBe('/me');

    browser.setCookie(a.host, 'wechat_session', browser.cookie(b.host, 'wechat_session')!);
    expect((await browser.get(`${a.origin}/me`)).body).toEqual({
      openid: 'o_alice_0001',
      scope: 'snsapi_base',
    });
    expect((await browser.get(`${b.origin}/me`)).status).toBe(200);

    // Replaying the callback on the first instance fails: the state was used on the other.
    const replay = await browser.get(`${a.origin}${callback.pathname}${callback.search}`);
    expect(replay.status).toBe(400);
    expect(emulator.callCount('/sns/oauth2/access_token')).toBe(1);
  });
});
