import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, type INestApplication, Module, Post, Req, Res } from '@nestjs/common';
import { createClient } from 'redis';
import { type WeChatModuleOptions, WeChatSessions } from '../../src/index.js';
import { SessionCodec } from '../../src/oauth/session-codec.js';
import { type WeChatEmulator } from '../../src/testing/index.js';
import { REDIS_URL, uniquePrefix } from '../support/redis.js';
import { emulatorOptions, startEmulator } from '../support/wechat-test-app.js';
import { OAuthTestAppModule } from './app.module.js';
import { createApp, PLATFORMS } from './platforms.js';
import { consentForm, TestBrowser, type Visit } from './test-browser.js';

const OLD_SECRET = 'hostile-sign-ins-old-secret-0123456789abcdef';
const NEW_SECRET = 'hostile-sign-ins-new-secret-0123456789abcdef';
const EXCHANGE = '/sns/oauth2/access_token';

@Controller()
class SignOutController {
  constructor(private readonly sessions: WeChatSessions) {}

  @Post('sign-out')
  signOut(@Req() request: never, @Res({ passthrough: true }) response: unknown) {
    this.sessions.signOut(request, response);
    return { signedOut: true };
  }
}

// Issue 12, points 1 and 7: what unauthenticated clients cost the server, and sessions that
// survive what WeChat and browsers send.
describe.each(PLATFORMS)('sign-ins against hostile clients on %s', (platform) => {
  let emulator: WeChatEmulator;
  let app: INestApplication;
  let appUrl: string;

  afterEach(async () => {
    await app?.close();
    await emulator?.close();
  });

  async function start(overrides: Partial<WeChatModuleOptions> = {}) {
    emulator = await startEmulator();
    emulator.addUser({ openid: 'o_alice_0001', nickname: 'Alice' });
    emulator.signIn('o_alice_0001');
    const options = emulatorOptions(emulator, {
      oauth: { sessionSecret: NEW_SECRET },
      ...overrides,
    });
    @Module({ imports: [OAuthTestAppModule.register(options)], controllers: [SignOutController] })
    class AppWithSignOut {}
    app = await createApp(platform, AppWithSignOut);
    await app.listen(0, '127.0.0.1');
    appUrl = `http://localhost:${(app.getHttpServer().address() as { port: number }).port}`;
  }

  /** Follows the flow from `first` through WeChat (allowing consent) to the page at the end. */
  async function finish(browser: TestBrowser, first: Visit): Promise<Visit> {
    let visit = first;
    for (let step = 0; step < 8; step++) {
      if (visit.status === 302) visit = await browser.follow(visit);
      else if (visit.status === 200 && visit.text.includes('id="allow"')) {
        visit = await browser.submit(
          `${emulator.url}/connect/oauth2/authorize/decision`,
          consentForm(visit.text, 'allow'),
        );
      } else return visit;
    }
    throw new Error(`no end to the sign-in after 8 steps, at ${visit.url} (${visit.status})`);
  }

  it('stores nothing for 600 unauthenticated requests, and a sign-in started before them completes', async () => {
    const keyPrefix = uniquePrefix();
    await start({ redis: { url: REDIS_URL, keyPrefix } });
    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    try {
      const alice = new TestBrowser();
      const toWeChat = await alice.get(`${appUrl}/me`);
      expect(toWeChat.status).toBe(302);
      const keysBefore = (await redis.keys(`${keyPrefix}*`)).length;

      // Fresh clients each time (no cookies), every method the guard answers.
      const methods = ['GET', 'HEAD', 'POST'];
      for (let batch = 0; batch < 12; batch++) {
        await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            fetch(`${appUrl}/me?n=${batch}-${i}`, {
              method: methods[i % 3],
              redirect: 'manual',
              headers: { Accept: 'text/html' },
            }).then((res) => res.arrayBuffer()),
          ),
        );
      }
      expect((await redis.keys(`${keyPrefix}*`)).length).toBe(keysBefore);

      const page = await finish(alice, toWeChat);
      expect(page.body).toMatchObject({ openid: 'o_alice_0001' });
      expect(emulator.callCount(EXCHANGE)).toBe(1);
    } finally {
      await redis.close();
    }
  });

  it('refuses a state someone learned, from a browser that did not start it, and the owner still signs in', async () => {
    await start();
    const owner = new TestBrowser();
    const toCallback = await owner.follow(await owner.get(`${appUrl}/me`));
    const callback = toCallback.location!;

    for (const thief of [new TestBrowser(), await startedElsewhere()]) {
      const stolen = await thief.get(callback);
      expect(stolen.status).toBe(400);
      expect(stolen.setCookies.some((c) => c.startsWith('wechat_session='))).toBe(false);
    }
    expect(emulator.callCount(EXCHANGE)).toBe(0);

    const page = await finish(owner, await owner.get(callback));
    expect(page.body).toMatchObject({ openid: 'o_alice_0001' });
  });

  async function startedElsewhere(): Promise<TestBrowser> {
    const browser = new TestBrowser();
    await browser.get(`${appUrl}/me`);
    return browser;
  }

  it('signs in a browser whose Cookie header is over 9 KB', async () => {
    await start();
    const browser = new TestBrowser();
    browser.setCookie(new URL(appUrl).host, 'analytics', 'x'.repeat(9000));
    const page = await finish(browser, await browser.get(`${appUrl}/me`));
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ openid: 'o_alice_0001' });
  });

  it('signs in a user with a 3,500-character nickname without a loop: the cookie stays small', async () => {
    await start();
    emulator.addUser({ openid: 'o_long_name_01', nickname: '长'.repeat(3500) });
    emulator.signIn('o_long_name_01');
    const browser = new TestBrowser();
    const page = await finish(browser, await browser.get(`${appUrl}/profile`));
    expect(page.status).toBe(200);
    const user = page.body as { openid: string; userInfo: { nickname: string } };
    expect(user.openid).toBe('o_long_name_01');
    expect(user.userInfo.nickname).toBe('长'.repeat(64));
    const session = browser.cookie(new URL(appUrl).host, 'wechat_session')!;
    expect(Buffer.byteLength(`wechat_session=${session}`)).toBeLessThan(4096);
    // Signed in for good: the next visit is served, not sent to WeChat again.
    expect((await browser.get(`${appUrl}/profile`)).status).toBe(200);
    expect(emulator.callCount(EXCHANGE)).toBe(1);
  });

  it('keeps sessions signed with the old secret valid while a new one signs (rotation)', async () => {
    await start({ oauth: { sessionSecret: [NEW_SECRET, OLD_SECRET] } });
    const host = new URL(appUrl).host;
    const before = new TestBrowser();
    // A session of this account (its appId) signed with the old secret.
    const old = new SessionCodec(OLD_SECRET, undefined, emulator.appId).encode(
      { openid: 'o_alice_0001', scope: 'snsapi_base' },
      3600,
    )!;
    before.setCookie(host, 'wechat_session', old);
    expect((await before.get(`${appUrl}/me`)).status).toBe(200);

    const after = new TestBrowser();
    await finish(after, await after.get(`${appUrl}/me`));
    const signed = after.cookie(host, 'wechat_session')!;
    const codec = (secret: string) => new SessionCodec(secret, undefined, emulator.appId);
    expect(codec(NEW_SECRET).decode(signed)).toMatchObject({ openid: 'o_alice_0001' });
    expect(codec(OLD_SECRET).decode(signed)).toBeUndefined();
  });

  it('signs a browser out', async () => {
    await start();
    const browser = new TestBrowser();
    await finish(browser, await browser.get(`${appUrl}/me`));
    expect((await browser.get(`${appUrl}/me`)).status).toBe(200);

    const res = await fetch(`${appUrl}/sign-out`, {
      method: 'POST',
      headers: {
        Cookie: `wechat_session=${browser.cookie(new URL(appUrl).host, 'wechat_session')}`,
      },
    });
    expect(await res.json()).toEqual({ signedOut: true });
    const cleared = res.headers.getSetCookie().find((c) => c.startsWith('wechat_session='));
    expect(cleared).toMatch(/^wechat_session=;.*Max-Age=0/i);
  });
});
