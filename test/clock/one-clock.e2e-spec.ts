import { afterEach, describe, expect, it } from '@jest/globals';
import { type INestApplication } from '@nestjs/common';
import { type TestingModule } from '@nestjs/testing';
import {
  AccountClient,
  CREDENTIAL_STORE,
  type CredentialStore,
  TokenService,
  WeChatConfigurationError,
} from '../../src/index.js';
import { signInAs, TestClock, type WeChatEmulator } from '../../src/testing/index.js';
import { SwitchableProxy } from '../support/switchable-proxy.js';
import {
  APP_ID,
  createWeChatTestingModule,
  emulatorOptions,
  startEmulator,
  waitFor,
} from '../support/wechat-test-app.js';
import { TestBrowser } from '../oauth/test-browser.js';
import { startOAuthApp } from '../oauth/platforms.js';

const TOKEN = '/cgi-bin/token';
const EXCHANGE = '/sns/oauth2/access_token';
const SESSION_SECRET = 'one-clock-session-secret-0123456789abcdefgh';
const MINUTE = 60_000;
// Noon in Beijing, on a whole second. Tests on a frozen clock see times exactly: a limit is
// checked a millisecond before it and at it.
const START = Date.UTC(2026, 4, 1, 4);

// One TestClock drives the module and the emulator: what takes minutes or hours of real time is
// tested by moving time forward, and the library's timers fire as they would have.
describe('one clock for the library and the emulator', () => {
  let emulator: WeChatEmulator;
  let moduleRef: TestingModule | undefined;
  let app: INestApplication | undefined;
  let proxy: SwitchableProxy | undefined;

  afterEach(async () => {
    await moduleRef?.close();
    await app?.close();
    await proxy?.close();
    await emulator?.close();
    moduleRef = app = proxy = undefined;
  });

  it('latches a configuration error for the cool-down, then asks WeChat again', async () => {
    const clock = new TestClock(START, { frozen: true });
    emulator = await startEmulator({ clock });
    moduleRef = await createWeChatTestingModule(emulator, {
      clock,
      appSecret: 'a-wrong-secret',
      token: { failureCooldownSeconds: 60 },
    });
    const tokens = moduleRef.get(TokenService);
    const fails = () => expect(tokens.getAccessToken()).rejects.toThrow(WeChatConfigurationError);

    await fails();
    await clock.advance(MINUTE - 1);
    await fails();
    expect(emulator.callCount(TOKEN)).toBe(1);
    await clock.advance(1);
    await fails();
    expect(emulator.callCount(TOKEN)).toBe(2);
  });

  it('waits out the lease of a lock holder that died, and not a moment less', async () => {
    const clock = new TestClock(START, { frozen: true });
    emulator = await startEmulator({ clock });
    moduleRef = await createWeChatTestingModule(emulator, { clock });
    const store = moduleRef.get<CredentialStore>(CREDENTIAL_STORE);
    const tokens = moduleRef.get(TokenService);
    // A holder that took the fetch lock and vanished (the in-memory lease runs on the clock).
    const LEASE_MS = 2 * MINUTE;
    expect(await store.acquireLock(`{${APP_ID}}:access_token:lock`, LEASE_MS)).toBeDefined();

    let token: string | undefined;
    const caller = tokens.getAccessToken().then((value) => (token = value));
    await waitFor('the caller waiting on the lock', () => tokens.status().lockWaits > 0);
    await clock.advance(LEASE_MS - 1);
    expect(token).toBeUndefined();
    expect(emulator.callCount(TOKEN)).toBe(0);

    await clock.advance(1 + 30_000);
    await caller;
    expect(token).toEqual(expect.any(String));
    expect(emulator.callCount(TOKEN)).toBe(1);
    // It looked again each time its wait ran out, and waited once.
    expect(tokens.status().lockWaits).toBe(1);
  });

  it('counts the day’s fetches per Beijing day, as WeChat counts its quota', async () => {
    // 23:58 in Beijing (UTC+8).
    const clock = new TestClock(Date.parse('2026-05-01T15:58:00Z'));
    emulator = await startEmulator({ clock, overlapSeconds: 0 });
    moduleRef = await createWeChatTestingModule(emulator, { clock });
    const tokens = moduleRef.get(TokenService);
    await tokens.getAccessToken();
    await tokens.refresh({ force: true });
    expect((await tokens.stats()).fetchesToday).toBe(2);

    await clock.advance(3 * MINUTE);
    expect((await tokens.stats()).fetchesToday).toBe(0);
    await tokens.refresh({ force: true });
    expect((await tokens.stats()).fetchesToday).toBe(1);
  });

  it('skips a dead primary host for 30 s, then tries it again', async () => {
    const clock = new TestClock(START, { frozen: true });
    emulator = await startEmulator({ clock });
    proxy = await SwitchableProxy.start(emulator.url);
    moduleRef = await createWeChatTestingModule(emulator, {
      clock,
      apiBaseUrl: proxy.url,
      fallbackApiBaseUrls: [emulator.url],
      httpTimeoutMs: 300,
      retry: { attempts: 1, baseDelayMs: 1 },
    });
    const account = moduleRef.get(AccountClient);
    proxy.switchTo('reset');
    await account.getApiDomainIps();
    const afterFailure = proxy.connections;
    await clock.advance(30_000 - 1);
    await account.getApiDomainIps();
    expect(proxy.connections).toBe(afterFailure);

    proxy.switchTo('forward');
    await clock.advance(1);
    await account.getApiDomainIps();
    expect(proxy.connections).toBeGreaterThan(afterFailure);
  });

  describe('web authorization', () => {
    async function startApp(clock: TestClock, oauth: object = {}) {
      emulator = await startEmulator({ clock });
      emulator.addUser({ openid: 'o_alice_0001', nickname: 'Alice' });
      emulator.signIn('o_alice_0001');
      const started = await startOAuthApp(
        'express',
        emulatorOptions(emulator, { clock, oauth: { sessionSecret: SESSION_SECRET, ...oauth } }),
      );
      app = started.app;
      return started.url;
    }

    it('ends a session when its cookie’s max age has passed', async () => {
      // Frozen on a whole second, so the session's expiry (in seconds) falls on an exact moment.
      const clock = new TestClock(START, { frozen: true });
      const url = await startApp(clock, { cookie: { maxAgeSeconds: 3600 } });
      const alice = await signInAs(url, emulator, 'o_alice_0001', { path: '/me' });
      const page = { redirect: 'manual', headers: { accept: 'text/html' } } as const;
      await clock.advance(3600_000 - 1);
      expect((await alice.fetch('/me', page)).status).toBe(200);
      await clock.advance(1);
      const expired = await alice.fetch('/me', page);
      expect(expired.status).toBe(302);
      expect(expired.headers.get('location')).toContain('/connect/oauth2/authorize');
    });

    it('refuses a code that waited past WeChat’s 5 minutes, with one exchange', async () => {
      const clock = new TestClock();
      const url = await startApp(clock);
      const browser = new TestBrowser();
      // snsapi_base, signed in: WeChat sends the browser straight back with a code.
      const authorize = await browser.follow(await browser.get(`${url}/me`));
      const callback = new URL(authorize.location!);
      expect(callback.searchParams.get('code')).toEqual(expect.any(String));
      await clock.advance(5 * MINUTE);
      const answer = await browser.get(callback.href);
      // The state (10 minutes) is still good; the code is what WeChat refused (40029).
      expect(answer.status).toBe(400);
      expect((answer.body as { message: string }).message).toMatch(/code is invalid, expired/);
      expect(answer.setCookies.some((c) => c.startsWith('wechat_session='))).toBe(false);
      expect(emulator.callCount(EXCHANGE)).toBe(1);
    });
  });
});
