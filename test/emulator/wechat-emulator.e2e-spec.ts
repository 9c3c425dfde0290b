import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { TestClock, WeChatEmulator } from '../../src/testing/index.js';

const APP_ID = 'wx0123456789abcdef';
const APP_SECRET = 'emulator-spec-secret-0123456789ab';

// WeChat's time stands still but for emulator.clock.advance(): ages come out exact, and no test
// meets Beijing midnight (STILL_AT is noon there).
const STILL_AT = Date.UTC(2025, 0, 15, 4);
const clock = new TestClock(STILL_AT, { frozen: true });

type Body = Record<string, unknown>;

describe('WeChatEmulator', () => {
  let emulator: WeChatEmulator;

  async function get(path: string, query: Record<string, string> = {}): Promise<Body> {
    const url = new URL(path, emulator.url);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const res = await fetch(url);
    return (await res.json()) as Body;
  }

  async function post(path: string, body: unknown): Promise<Body> {
    const res = await fetch(new URL(path, emulator.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await res.json()) as Body;
  }

  const token = (extra: Record<string, string> = {}) =>
    get('/cgi-bin/token', {
      grant_type: 'client_credential',
      appid: APP_ID,
      secret: APP_SECRET,
      ...extra,
    });
  const stable = (force_refresh = false) =>
    post('/cgi-bin/stable_token', {
      grant_type: 'client_credential',
      appid: APP_ID,
      secret: APP_SECRET,
      force_refresh,
    });
  const use = (accessToken: string) =>
    get('/cgi-bin/get_api_domain_ip', { access_token: accessToken });

  afterEach(async () => emulator.close());

  describe('/cgi-bin/token', () => {
    beforeEach(async () => {
      emulator = await WeChatEmulator.start({
        appId: APP_ID,
        appSecret: APP_SECRET,
        clock,
        dailyQuota: 5,
      });
    });

    it('issues a token that lives 7200 s and opens protected endpoints', async () => {
      const body = await token();
      expect(body).toEqual({ access_token: expect.any(String), expires_in: 7200 });
      expect(await use(body.access_token as string)).toEqual({ ip_list: expect.any(Array) });
    });

    it('keeps the previous token working for the 5-minute overlap, then answers 40001', async () => {
      const first = (await token()).access_token as string;
      const second = (await token()).access_token as string;
      expect(second).not.toBe(first);
      expect(await use(first)).toHaveProperty('ip_list');
      emulator.clock.advance(299_999);
      expect(await use(first)).toHaveProperty('ip_list');
      emulator.clock.advance(1);
      expect(await use(first)).toMatchObject({ errcode: 40001 });
      expect(await use(second)).toHaveProperty('ip_list');
    });

    it('answers 42001 once a token has expired', async () => {
      const body = await token();
      emulator.clock.advance(7_200_000);
      expect(await use(body.access_token as string)).toMatchObject({
        errcode: 42001,
        errmsg: expect.stringMatching(
          /^access_token expired rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/,
        ),
      });
    });

    it.each([
      ['missing', undefined, 41001],
      ['malformed', 'not a token!', 40014],
      ['unknown', 'A'.repeat(136), 40001],
    ])('answers a %s token with %i', async (_label, value, errcode) => {
      const body = await get('/cgi-bin/get_api_domain_ip', value ? { access_token: value } : {});
      expect(body).toMatchObject({ errcode });
    });

    it('enforces the daily quota with 45009 and resets it at Beijing midnight', async () => {
      for (let i = 0; i < 5; i++) expect(await token()).toHaveProperty('access_token');
      expect(await token()).toMatchObject({
        errcode: 45009,
        errmsg: expect.stringContaining('reach max api daily quota limit'),
      });
      emulator.clock.advance(86_400_000);
      expect(await token()).toHaveProperty('access_token');
    });

    it.each([
      ['a wrong appid', { appid: 'wx00000000000000ff' }, 40013],
      ['a wrong secret', { secret: 'wrong' }, 40125],
      ['a missing secret', { secret: '' }, 41004],
      ['a missing appid', { appid: '' }, 41002],
      ['a wrong grant_type', { grant_type: 'password' }, 40002],
    ])('refuses %s', async (_label, extra, errcode) => {
      expect(await token(extra)).toMatchObject({ errcode });
      expect(emulator.tokenQuotaUsed()).toBe(0);
    });

    it('refuses addresses outside the IP allow-list with 40164 naming the address', async () => {
      emulator.setIpWhitelist(['10.1.2.3']);
      expect(await token()).toMatchObject({
        errcode: 40164,
        errmsg: expect.stringContaining(
          'invalid ip 127.0.0.1 ipv6 ::ffff:127.0.0.1, not in whitelist',
        ),
      });
      emulator.setIpWhitelist(['127.0.0.1']);
      expect(await token()).toHaveProperty('access_token');
    });
  });

  describe('/cgi-bin/stable_token', () => {
    beforeEach(async () => {
      emulator = await WeChatEmulator.start({
        appId: APP_ID,
        appSecret: APP_SECRET,
        clock,
        stableForceDailyLimit: 2,
      });
    });

    it('is POST-only (43002)', async () => {
      expect(await get('/cgi-bin/stable_token')).toMatchObject({ errcode: 43002 });
    });

    it('returns the same token in normal mode, with the remaining lifetime', async () => {
      const first = await stable();
      emulator.clock.advance(1_000_000);
      const second = await stable();
      expect(second.access_token).toBe(first.access_token);
      expect(second.expires_in).toBe(6200);
    });

    it('rotates 5 minutes before expiry, the old token living out its time', async () => {
      const first = (await stable()).access_token as string;
      emulator.clock.advance(6_950_000);
      const second = await stable();
      expect(second.access_token).not.toBe(first);
      expect(second.expires_in).toBe(7200);
      expect(await use(first)).toHaveProperty('ip_list');
    });

    it('force mode invalidates the previous token, is spaced 30 s, and limited a day', async () => {
      const first = (await stable()).access_token as string;
      const forced = (await stable(true)).access_token as string;
      expect(forced).not.toBe(first);
      expect(await use(first)).toMatchObject({ errcode: 40001 });

      expect((await stable(true)).access_token).toBe(forced);

      emulator.clock.advance(30_000);
      const second = (await stable(true)).access_token as string;
      expect(second).not.toBe(forced);

      emulator.clock.advance(30_000);
      expect(await stable(true)).toMatchObject({ errcode: 45009 });
    });

    it('is independent of /cgi-bin/token', async () => {
      const stableToken = (await stable()).access_token as string;
      const plain = (await token()).access_token as string;
      await token();
      emulator.clock.advance(300_000);
      expect(await use(stableToken)).toHaveProperty('ip_list');
      expect(await use(plain)).toMatchObject({ errcode: 40001 });
      expect((await stable()).access_token).toBe(stableToken);
    });

    it('checks credentials like /cgi-bin/token', async () => {
      const res = await post('/cgi-bin/stable_token', {
        grant_type: 'client_credential',
        appid: APP_ID,
        secret: 'wrong',
      });
      expect(res).toMatchObject({ errcode: 40125 });
    });
  });

  describe('controls', () => {
    beforeEach(async () => {
      emulator = await WeChatEmulator.start({ appId: APP_ID, appSecret: APP_SECRET, clock });
    });

    it('counts calls per path, faulted ones included', async () => {
      emulator.injectFault('/cgi-bin/token', { errcode: -1 });
      await token();
      await token();
      expect(emulator.callCount('/cgi-bin/token')).toBe(2);
      expect(emulator.callCount('/cgi-bin/stable_token')).toBe(0);
    });

    it('plays an errcode fault the given number of times', async () => {
      emulator.injectFault('/cgi-bin/token', { errcode: -1, times: 2 });
      expect(await token()).toMatchObject({
        errcode: -1,
        errmsg: expect.stringMatching(/^system error rid: /),
      });
      expect(await token()).toMatchObject({ errcode: -1 });
      expect(await token()).toHaveProperty('access_token');
    });

    it('plays HTTP status, delay and dropped-connection faults', async () => {
      emulator.injectFault('/cgi-bin/token', { status: 503 });
      const res = await fetch(`${emulator.url}/cgi-bin/token`);
      expect(res.status).toBe(503);
      await res.text();

      emulator.injectFault('/cgi-bin/token', { delayMs: 150 });
      const started = Date.now();
      expect(await token()).toHaveProperty('access_token');
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);

      emulator.injectFault('/cgi-bin/token', { drop: true });
      await expect(token()).rejects.toThrow();
    });

    it('keeps an Infinity fault until cleared', async () => {
      emulator.injectFault('/cgi-bin/token', { errcode: 40243, times: Infinity });
      for (let i = 0; i < 3; i++) expect(await token()).toMatchObject({ errcode: 40243 });
      emulator.clearFaults('/cgi-bin/token');
      expect(await token()).toHaveProperty('access_token');
    });

    it('revokes every token at once', async () => {
      const body = await token();
      emulator.revokeAllTokens();
      expect(await use(body.access_token as string)).toMatchObject({ errcode: 40001 });
    });

    it('serves jsapi tickets behind the token check', async () => {
      const accessToken = (await token()).access_token as string;
      const body = await get('/cgi-bin/ticket/getticket', {
        access_token: accessToken,
        type: 'jsapi',
      });
      expect(body).toEqual({
        errcode: 0,
        errmsg: 'ok',
        ticket: expect.any(String),
        expires_in: 7200,
      });
      expect(await get('/cgi-bin/ticket/getticket', { type: 'jsapi' })).toMatchObject({
        errcode: 41001,
      });
    });
  });
});
