import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { WeChatEmulator } from '../../src/testing/index.js';
import { fetchAccessToken, OK_REPLY, postJson, refused } from '../support/emulator-http.js';

const APP_ID = 'wx0123456789abcdef';
const APP_SECRET = 'emulator-spec-secret-0123456789ab';
const DAY_MS = 86_400_000;

type Body = Record<string, unknown>;

describe('WeChatEmulator quotas', () => {
  let emulator: WeChatEmulator;
  let accessToken: string;

  async function token(): Promise<Body> {
    const url = `${emulator.url}/cgi-bin/token?grant_type=client_credential&appid=${APP_ID}&secret=${APP_SECRET}`;
    return (await (await fetch(url)).json()) as Body;
  }

  async function freshToken(): Promise<void> {
    accessToken = await fetchAccessToken(emulator.url, APP_ID, APP_SECRET);
  }

  async function post(path: string, body: unknown): Promise<Body> {
    return postJson(emulator.url, path, accessToken, body);
  }

  const clearQuota = (appid = APP_ID) => post('/cgi-bin/clear_quota', { appid });
  const quota = (cgi_path: unknown) => post('/cgi-bin/openapi/quota/get', { cgi_path });
  const userGet = () => fetch(`${emulator.url}/cgi-bin/user/get?access_token=${accessToken}`);

  const OK = OK_REPLY;

  beforeEach(async () => {
    emulator = await WeChatEmulator.start({ appId: APP_ID, appSecret: APP_SECRET, dailyQuota: 3 });
    await freshToken();
  });
  afterEach(async () => emulator.close());

  describe('clear_quota', () => {
    it('resets the /cgi-bin/token daily quota', async () => {
      await token();
      await token();
      expect(await token()).toMatchObject({ errcode: 45009 });
      expect(emulator.tokenQuotaUsed()).toBe(3);

      expect(await clearQuota()).toEqual(OK);
      expect(emulator.tokenQuotaUsed()).toBe(0);
      expect(await token()).toHaveProperty('access_token');
      expect(emulator.tokenQuotaUsed()).toBe(1);
    });

    it('refuses a wrong (40013) or missing (41002) appid', async () => {
      expect(await clearQuota('wx_not_this_one')).toEqual(refused(40013, /^invalid appid rid: /));
      expect(await post('/cgi-bin/clear_quota', {})).toEqual(refused(41002));
      const get = await fetch(`${emulator.url}/cgi-bin/clear_quota?access_token=${accessToken}`);
      expect(await get.json()).toEqual(refused(43002));
    });

    it('clears 10 times a calendar month, then answers 48006 until the next month', async () => {
      for (let i = 0; i < 10; i++) expect(await clearQuota()).toEqual(OK);
      expect(await clearQuota()).toEqual(
        refused(48006, /^forbid to clear quota because of reaching the limit rid: /),
      );
      // The refused clear left today's count alone.
      expect(emulator.tokenQuotaUsed()).toBe(0);
      await token();
      expect(await clearQuota()).toEqual(refused(48006));
      expect(emulator.tokenQuotaUsed()).toBe(1);

      emulator.clock.advance(32 * DAY_MS);
      await freshToken();
      expect(await clearQuota()).toEqual(OK);
    });
  });

  describe('openapi/quota/get', () => {
    it('reports /cgi-bin/token with the emulator quota and the calls made today', async () => {
      await token();
      expect(await quota('/cgi-bin/token')).toEqual({
        ...OK,
        quota: { daily_limit: 3, used: 2, remain: 1 },
        rate_limit: { call_count: 0, refresh_second: 0 },
        component_rate_limit: { call_count: 0, refresh_second: 0 },
      });
      await token();
      await token();
      expect(((await quota('/cgi-bin/token')).quota as Body).remain).toBe(0);
      await clearQuota();
      expect((await quota('/cgi-bin/token')).quota).toEqual({ daily_limit: 3, used: 0, remain: 3 });
    });

    it('counts calls of the other endpoints per quota day', async () => {
      for (let i = 0; i < 3; i++) await userGet();
      expect((await quota('/cgi-bin/user/get')).quota).toEqual({
        daily_limit: 500,
        used: 3,
        remain: 497,
      });
      expect((await quota('/cgi-bin/message/template/send')).quota).toEqual({
        daily_limit: 100_000,
        used: 0,
        remain: 100_000,
      });
      expect((await quota('/cgi-bin/stable_token')).rate_limit).toEqual({
        call_count: 10_000,
        refresh_second: 60,
      });

      emulator.clock.advance(DAY_MS);
      await freshToken();
      expect(((await quota('/cgi-bin/user/get')).quota as Body).used).toBe(0);
      await userGet();
      await clearQuota();
      expect(((await quota('/cgi-bin/user/get')).quota as Body).used).toBe(0);
    });

    it('answers 76021 for a path it does not know', async () => {
      expect(await quota('/cgi-bin/no/such/api')).toEqual(
        refused(76021, /^cgi_path not found, please check rid: /),
      );
      expect(await quota('/cgi-bin/user/get')).toHaveProperty('quota');
    });
  });
});
