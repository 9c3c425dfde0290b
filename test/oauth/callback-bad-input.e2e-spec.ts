import { request as httpRequest } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type INestApplication } from '@nestjs/common';
import { OAuthService, type WeChatModuleOptions } from '../../src/index.js';
import { SessionCodec } from '../../src/oauth/session-codec.js';
import { TestClock, type WeChatEmulator } from '../../src/testing/index.js';
import { emulatorOptions, startEmulator } from '../support/wechat-test-app.js';
import { PLATFORMS, startOAuthApp } from './platforms.js';
import { consentForm, TestBrowser, type Visit } from './test-browser.js';

const SESSION_SECRET = 'bad-input-session-secret-0123456789abcdefgh';
const EXCHANGE = '/sns/oauth2/access_token';

describe.each(PLATFORMS)(
  'bad input on %s: a clear 4xx, never a 500, never a session',
  (platform) => {
    let emulator: WeChatEmulator;
    let app: INestApplication;
    let appUrl: string;
    let browser: TestBrowser;

    beforeEach(async () => {
      emulator = await startEmulator();
      emulator.addUser({ openid: 'o_alice_0001', nickname: 'Alice' });
      emulator.signIn('o_alice_0001');
      browser = new TestBrowser();
    });

    afterEach(async () => {
      await app?.close();
      await emulator.close();
    });

    async function start(
      oauth: Partial<NonNullable<WeChatModuleOptions['oauth']>> = {},
      clock?: TestClock,
    ) {
      const started = await startOAuthApp(
        platform,
        emulatorOptions(emulator, { clock, oauth: { sessionSecret: SESSION_SECRET, ...oauth } }),
      );
      app = started.app;
      appUrl = started.url;
    }

    /** Starts a flow on `path` and stops where WeChat sends the browser to the callback. */
    async function callbackUrl(path = '/me', scope: 'allow' | 'deny' | null = null): Promise<URL> {
      let visit: Visit = await browser.follow(await browser.get(`${appUrl}${path}`));
      if (scope)
        visit = await browser.submit(
          `${emulator.url}/connect/oauth2/authorize/decision`,
          consentForm(visit.text, scope),
        );
      return new URL(visit.location!);
    }

    const callbackWith = (url: URL, changes: Record<string, string | null>) => {
      const changed = new URL(url);
      for (const [k, v] of Object.entries(changes)) {
        if (v === null) changed.searchParams.delete(k);
        else changed.searchParams.set(k, v);
      }
      return changed.href;
    };

    function expectRefused(visit: Visit, status: number, message: RegExp) {
      expect(visit.status).toBe(status);
      expect((visit.body as { message: string }).message).toMatch(message);
      expect(visit.setCookies.some((c) => c.startsWith('wechat_session='))).toBe(false);
    }

    it.each([
      ['no state', { state: null }],
      ['a state with other characters', { state: 'abc-def' }],
      ['a state of 129 characters', { state: 'a'.repeat(129) }],
      ['an oversized state', { state: 'a'.repeat(6000) }],
    ])('%s: 400 before any WeChat call', async (_label, changes) => {
      await start();
      const url = await callbackUrl();
      expectRefused(await browser.get(callbackWith(url, changes)), 400, /malformed state/);
      expect(emulator.callCount(EXCHANGE)).toBe(0);
    });

    it('a forged state (never issued): 400, no WeChat call', async () => {
      await start();
      const url = await callbackUrl();
      expectRefused(
        await browser.get(callbackWith(url, { state: 'A'.repeat(32) })),
        400,
        /expired or was already used/,
      );
      expect(emulator.callCount(EXCHANGE)).toBe(0);
    });

    it('an expired state: 400, no WeChat call', async () => {
      const clock = new TestClock();
      await start({ stateTtlSeconds: 600 }, clock);
      const url = await callbackUrl();
      await clock.advance(600_000);
      expectRefused(await browser.get(url.href), 400, /expired or was already used/);
      expect(emulator.callCount(EXCHANGE)).toBe(0);
    });

    it('a replayed callback: 400 the second time', async () => {
      await start();
      const url = await callbackUrl();
      expect((await browser.get(url.href)).status).toBe(302);
      expectRefused(await browser.get(url.href), 400, /expired or was already used/);
      expect(emulator.callCount(EXCHANGE)).toBe(1);
    });

    it('a callback delivered to another browser: 400', async () => {
      await start();
      const url = await callbackUrl();
      const stranger = new TestBrowser();
      expectRefused(await stranger.get(url.href), 400, /not started in this browser/);
      // A browser that started a flow of its own still cannot use this one's state.
      await stranger.get(`${appUrl}/me`);
      expectRefused(
        await stranger.get(url.href),
        400,
        /(another browser|expired or was already used)/,
      );
      expect(emulator.callCount(EXCHANGE)).toBe(0);
    });

    it('declined consent: 403, no session', async () => {
      await start();
      const url = await callbackUrl('/profile', 'deny');
      expect(url.searchParams.has('code')).toBe(false);
      expectRefused(await browser.get(url.href), 403, /declined/);
      expect(emulator.callCount(EXCHANGE)).toBe(0);
    });

    it('an invalid code: 400', async () => {
      await start();
      const url = await callbackUrl();
      expectRefused(
        await browser.get(callbackWith(url, { code: 'bogus0code' })),
        400,
        /invalid, expired or was already used/,
      );
    });

    it('an already used code: 400', async () => {
      await start();
      const url = await callbackUrl();
      await app.get(OAuthService).exchangeCode(url.searchParams.get('code')!);
      expectRefused(await browser.get(url.href), 400, /invalid, expired or was already used/);
    });

    it.each([
      ['a code with other characters', 'a b<c>'],
      ['an oversized code', 'c'.repeat(5000)],
    ])('%s: 400 without a WeChat call', async (_label, code) => {
      await start();
      const url = await callbackUrl();
      expectRefused(await browser.get(callbackWith(url, { code })), 400, /malformed/);
      expect(emulator.callCount(EXCHANGE)).toBe(0);
    });

    it('a repeated code parameter: 400', async () => {
      await start();
      const url = await callbackUrl();
      expectRefused(await browser.get(`${url.href}&code=second`), 400, /malformed/);
    });

    describe('sessions', () => {
      async function signedIn(): Promise<string> {
        await start();
        let visit = await browser.get(`${appUrl}/me`);
        while (visit.status === 302) visit = await browser.follow(visit);
        expect(visit.status).toBe(200);
        return browser.cookie(new URL(appUrl).host, 'wechat_session')!;
      }

      const host = () => new URL(appUrl).host;

      it.each([
        ['a flipped signature', (c: string) => c.slice(0, -2) + (c.endsWith('AA') ? 'BB' : 'AA')],
        [
          'another payload under the old signature',
          (c: string) => {
            const [v, , sig] = c.split('.');
            const payload = Buffer.from(
              JSON.stringify({ user: { openid: 'o_mallory', scope: 'snsapi_userinfo' }, exp: 9e9 }),
            ).toString('base64url');
            return `${v}.${payload}.${sig}`;
          },
        ],
        ['garbage', () => 'v1.%%%.###'],
        ['an oversized value', () => 'v1.' + 'a'.repeat(6000) + '.b'],
      ])('a tampered cookie (%s) is no session: sent to authorize', async (_label, tamper) => {
        const cookie = await signedIn();
        browser.setCookie(host(), 'wechat_session', tamper(cookie));
        const visit = await browser.get(`${appUrl}/me`);
        expect(visit.status).toBe(302);
      });

      it('an expired cookie is no session', async () => {
        await signedIn();
        const expired = new SessionCodec(SESSION_SECRET).encode(
          { openid: 'o_alice_0001', scope: 'snsapi_base' },
          -10,
        )!;
        browser.setCookie(host(), 'wechat_session', expired);
        expect((await browser.get(`${appUrl}/me`)).status).toBe(302);
      });

      it('a cookie signed with another secret is no session', async () => {
        await signedIn();
        const foreign = new SessionCodec('another-secret-of-at-least-32-bytes!!').encode(
          { openid: 'o_alice_0001', scope: 'snsapi_base' },
          3600,
        )!;
        browser.setCookie(host(), 'wechat_session', foreign);
        expect((await browser.get(`${appUrl}/me`)).status).toBe(302);
      });

      it('an oversized Cookie header is ignored, not a 500', async () => {
        await start();
        const visit = await browser.get(`${appUrl}/me`, { Cookie: `junk=${'x'.repeat(9000)}` });
        expect(visit.status).toBe(302);
      });
    });

    describe('open redirects: hostile return paths end at /', () => {
      /** Sends a raw request-target (no client normalisation), then completes the sign-in. */
      async function returnPathOf(target: string): Promise<string | undefined> {
        const port = new URL(appUrl).port;
        const first = await new Promise<Visit>((resolve, reject) => {
          const req = httpRequest(
            {
              host: '127.0.0.1',
              port,
              path: target,
              headers: { Accept: 'text/html', Host: `localhost:${port}` },
            },
            (res) => {
              res.resume();
              const setCookies = (res.headers['set-cookie'] ?? []) as string[];
              for (const line of setCookies) {
                const [name, value] = line.split(';')[0].split('=');
                browser.setCookie(`localhost:${port}`, name, value);
              }
              resolve({
                status: res.statusCode!,
                url: appUrl + '/',
                location: res.headers.location,
                text: '',
                body: undefined,
                setCookies,
              });
            },
          );
          req.on('error', reject);
          req.end();
        });
        if (first.status !== 302) return `status ${first.status}`;
        const back = await browser.follow(first);
        const callback = await browser.get(back.location!);
        expect(callback.status).toBe(302);
        return callback.location;
      }

      it.each([
        '//evil.com',
        '//evil.com/path',
        '/\\evil.com',
        '/%2F%2Fevil.com',
        '/%2fevil.com/x',
        '/%5Cevil.com',
      ])('%s', async (target) => {
        await start();
        const location = await returnPathOf(target);
        expect(location === '/' || location?.startsWith('status 4')).toBe(true);
      });

      it('a safe deep path is kept (control)', async () => {
        await start();
        expect(await returnPathOf('/somewhere/deep?x=1')).toBe('/somewhere/deep?x=1');
      });
    });

    it('@WeChatAuth routes without the oauth option stop the app at start-up, naming the option', async () => {
      await expect(startOAuthApp(platform, emulatorOptions(emulator))).rejects.toThrow(
        /Invalid WeChatModule option oauth/,
      );
    });
  },
);
