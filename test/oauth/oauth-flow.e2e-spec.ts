import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type INestApplication } from '@nestjs/common';
import { type WeChatModuleOptions } from '../../src/index.js';
import { type WeChatEmulator } from '../../src/testing/index.js';
import { APP_ID, emulatorOptions, startEmulator } from '../support/wechat-test-app.js';
import { PLATFORMS, startOAuthApp } from './platforms.js';
import { consentForm, TestBrowser, type Visit } from './test-browser.js';

export const SESSION_SECRET = 'oauth-test-session-secret-0123456789abcdef';
const EXCHANGE = '/sns/oauth2/access_token';

describe.each(PLATFORMS)('web authorization on %s', (platform) => {
  let emulator: WeChatEmulator;
  let app: INestApplication;
  let appUrl: string;
  let browser: TestBrowser;

  async function start(overrides: Partial<WeChatModuleOptions> = {}) {
    const started = await startOAuthApp(
      platform,
      emulatorOptions(emulator, { oauth: { sessionSecret: SESSION_SECRET }, ...overrides }),
    );
    app = started.app;
    appUrl = started.url;
  }

  beforeEach(async () => {
    emulator = await startEmulator();
    emulator.addUser({
      openid: 'o_alice_0001',
      nickname: 'Alice',
      unionid: 'u_alice',
      headimgurl: 'https://img.test/a.png',
    });
    emulator.signIn('o_alice_0001');
    browser = new TestBrowser();
  });

  afterEach(async () => {
    await app?.close();
    await emulator.close();
  });

  /** Follows redirects (and the consent page, with `decision`) until a page of the app answers. */
  async function walk(first: Visit, decision: 'allow' | 'deny' = 'allow'): Promise<Visit[]> {
    const visits = [first];
    let visit = first;
    while (visits.length < 12) {
      if (visit.status === 302) visit = await browser.follow(visit);
      else if (visit.status === 200 && visit.text.includes('id="allow"')) {
        visit = await browser.submit(
          `${emulator.url}/connect/oauth2/authorize/decision`,
          consentForm(visit.text, decision),
        );
      } else break;
      visits.push(visit);
    }
    return visits;
  }

  it('snsapi_base: redirect to WeChat, back through the callback, signed in on the original page', async () => {
    await start();
    const first = await browser.get(`${appUrl}/me`);
    expect(first.status).toBe(302);
    const authorize = new URL(first.location!);
    expect(first.location).toMatch(
      new RegExp(
        `^${emulator.url}/connect/oauth2/authorize\\?appid=${APP_ID}&redirect_uri=${encodeURIComponent(`${appUrl}/wechat/oauth/callback`).replace(/[.]/g, '\\.')}&response_type=code&scope=snsapi_base&state=[A-Za-z0-9]{32}${Buffer.from(APP_ID).toString('hex')}#wechat_redirect$`,
      ),
    );
    // 32 random characters, then the account (its appId in hex): one callback serves every account.
    expect(authorize.searchParams.get('state')).toHaveLength(32 + 2 * APP_ID.length);

    const visits = await walk(first);
    const callback = visits.find((v) => v.url.includes('/wechat/oauth/callback'))!;
    expect(callback.status).toBe(302);
    expect(callback.location).toBe('/me');
    const sessionCookie = callback.setCookies.find((c) => c.startsWith('wechat_session='))!;
    expect(sessionCookie).toMatch(/HttpOnly/i);
    expect(sessionCookie).toMatch(/SameSite=Lax/i);
    expect(sessionCookie).toMatch(/Path=\//);
    expect(sessionCookie).not.toMatch(/Secure/i);
    expect(sessionCookie).not.toContain('access_token');

    const last = visits.at(-1)!;
    expect(last.status).toBe(200);
    expect(last.body).toEqual({ openid: 'o_alice_0001', scope: 'snsapi_base' });
    expect(emulator.callCount(EXCHANGE)).toBe(1);
    expect(emulator.callCount('/sns/userinfo')).toBe(0);
  });

  it('reuses the session without asking WeChat again', async () => {
    await start();
    await walk(await browser.get(`${appUrl}/me`));
    const calls = emulator.callCount('/connect/oauth2/authorize') + emulator.callCount(EXCHANGE);
    for (let i = 0; i < 3; i++) {
      const again = await browser.get(`${appUrl}/me`);
      expect(again.status).toBe(200);
    }
    expect(emulator.callCount('/connect/oauth2/authorize') + emulator.callCount(EXCHANGE)).toBe(
      calls,
    );
  });

  it('snsapi_userinfo: consent page, Allow, then the profile is on the user', async () => {
    await start();
    const visits = await walk(await browser.get(`${appUrl}/profile`));
    expect(visits.some((v) => v.text.includes('id="allow"'))).toBe(true);
    expect(visits.at(-1)!.body).toEqual({
      openid: 'o_alice_0001',
      unionid: 'u_alice',
      scope: 'snsapi_userinfo',
      userInfo: {
        nickname: 'Alice',
        sex: 0,
        province: '',
        city: '',
        country: '',
        headimgurl: 'https://img.test/a.png',
      },
    });
  });

  it('a class-level @WeChatAuth applies to every handler', async () => {
    await start();
    const visits = await walk(await browser.get(`${appUrl}/vip`));
    expect(visits.at(-1)!.body).toEqual({ openid: 'o_alice_0001' });
  });

  it('sends a snsapi_base session to authorize again for a snsapi_userinfo route', async () => {
    await start();
    await walk(await browser.get(`${appUrl}/me`));
    const upgrade = await browser.get(`${appUrl}/profile`);
    expect(upgrade.status).toBe(302);
    expect(new URL(upgrade.location!).searchParams.get('scope')).toBe('snsapi_userinfo');
    const visits = await walk(upgrade);
    expect(visits.at(-1)!.body).toMatchObject({
      scope: 'snsapi_userinfo',
      userInfo: { nickname: 'Alice' },
    });
    // The wider session now also serves the base route.
    expect((await browser.get(`${appUrl}/me`)).body).toMatchObject({ scope: 'snsapi_userinfo' });
  });

  it('returns to a deep path with a long query string', async () => {
    await start();
    const query = `q=${'x'.repeat(1500)}&next=%2F%2Fnot-a-redirect&emoji=%F0%9F%98%80`;
    const visits = await walk(await browser.get(`${appUrl}/deep/page/sub?${query}`));
    const callback = visits.find((v) => v.url.includes('/wechat/oauth/callback'))!;
    expect(callback.location).toBe(`/deep/page/sub?${query}`);
    expect(visits.at(-1)!.body).toEqual({
      openid: 'o_alice_0001',
      query: { q: 'x'.repeat(1500), next: '//not-a-redirect', emoji: '😀' },
    });
  });

  it('answers a non-page request without a session with 401 and the authorize URL', async () => {
    await start();
    const api = new TestBrowser('application/json');
    const res = await api.get(`${appUrl}/me`);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({
      statusCode: 401,
      authorizeUrl: expect.stringMatching(
        /\/connect\/oauth2\/authorize\?appid=.*#wechat_redirect$/,
      ),
    });
  });

  it('sets Secure cookies when configured, and serves the callback at a custom path', async () => {
    await start({
      oauth: {
        sessionSecret: SESSION_SECRET,
        callbackPath: '/auth/wx',
        cookie: { secure: true, name: 'sid' },
      },
    });
    const first = await browser.get(`${appUrl}/me`);
    expect(new URL(first.location!).searchParams.get('redirect_uri')).toBe(`${appUrl}/auth/wx`);
    // Secure, path /, no Domain: the __Host- prefix, so no sibling subdomain can plant one.
    expect(first.setCookies.join()).toMatch(/__Host-sid_oauth=.*Secure/i);
    const visits = await walk(first);
    const callback = visits.find((v) => v.url.startsWith(`${appUrl}/auth/wx`))!;
    expect(callback.setCookies.find((c) => c.startsWith('__Host-sid='))).toMatch(/Secure/i);
  });

  it('leaves public routes alone', async () => {
    await start();
    expect((await browser.get(`${appUrl}/public`)).body).toEqual({ ok: true });
  });
});
