import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { WeChatEmulator } from '../../src/testing/index.js';
import {
  fetchAccessToken,
  getJson,
  OK_REPLY,
  postJson,
  refused,
} from '../support/emulator-http.js';

const APP_ID = 'wx0123456789abcdef';
const APP_SECRET = 'emulator-spec-secret-0123456789ab';
const FORM = 'application/x-www-form-urlencoded';

type Body = Record<string, unknown>;

describe('WeChatEmulator request and answer fidelity', () => {
  let emulator: WeChatEmulator;
  let accessToken: string;

  const post = (path: string, body: unknown) => postJson(emulator.url, path, accessToken, body);
  const get = (path: string, query: Record<string, string> = {}) =>
    getJson(emulator.url, path, accessToken, query);

  beforeEach(async () => {
    emulator = await WeChatEmulator.start({ appId: APP_ID, appSecret: APP_SECRET });
    accessToken = await fetchAccessToken(emulator.url, APP_ID, APP_SECRET);
  });
  afterEach(async () => emulator.close());

  // The API pages give "POST数据格式：JSON" and nothing about Content-Type: WeChat reads the body
  // as JSON whatever the header says (PHP's curl and axios with a string body send a form type).
  it('reads a JSON body sent with a form content type', async () => {
    const send = (path: string, body: object, query = `?access_token=${accessToken}`) =>
      fetch(`${emulator.url}${path}${query}`, {
        method: 'POST',
        headers: { 'Content-Type': FORM },
        body: JSON.stringify(body),
      }).then((r) => r.json() as Promise<Body>);
    const menu = { button: [{ type: 'click', name: '今日歌曲', key: 'V1001_TODAY_MUSIC' }] };
    expect(await send('/cgi-bin/menu/create', menu)).toEqual(OK_REPLY);
    const stable = { grant_type: 'client_credential', appid: APP_ID, secret: APP_SECRET };
    expect(await send('/cgi-bin/stable_token', stable, '')).toHaveProperty('access_token');
    const form = await fetch(`${emulator.url}/cgi-bin/stable_token`, {
      method: 'POST',
      headers: { 'Content-Type': FORM },
      body: new URLSearchParams(stable).toString(),
    });
    expect(await form.json()).toEqual(refused(47001, /^data format error rid: /));
  });

  // Global errcodes (https://developers.weixin.qq.com/doc/oplatform/developers/errCode/errCode.html):
  // "40066 invalid url — 不合法的 url" ("请检查API的URL是否与文档一致"), in WeChat's JSON shape.
  it('answers a path it does not serve with 40066 in JSON', async () => {
    const res = await fetch(`${emulator.url}/cgi-bin/no/such/api?access_token=${accessToken}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual(refused(40066, /^invalid url rid: /));
  });

  // A rid's first group is the request time in epoch seconds (e.g. rid 64dd8871-… in a community
  // report of 2023-08-17: 0x64dd8871 is that day), as getRidInfo's "invoke_time" shows.
  it("ends every errmsg in WeChat's rid format", async () => {
    const body = await get('/cgi-bin/user/info', { openid: 'o_nobody_999' });
    const rid = / rid: ([0-9a-f]{8})-[0-9a-f]{8}-[0-9a-f]{8}$/.exec(body.errmsg as string);
    expect(rid).not.toBeNull();
    expect(Math.abs(parseInt(rid![1], 16) - Date.now() / 1000)).toBeLessThan(60);
  });

  // https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/JS-SDK.html: jsapi_ticket
  // "有效期为7200秒 ... 开发者必须在自己的服务全局缓存": one ticket while it lives.
  it('answers the same jsapi ticket while it is valid', async () => {
    const ticket = async () => (await get('/cgi-bin/ticket/getticket', { type: 'jsapi' })).ticket;
    const first = await ticket();
    accessToken = await fetchAccessToken(emulator.url, APP_ID, APP_SECRET);
    expect(await ticket()).toBe(first);
    expect((await get('/cgi-bin/ticket/getticket', { type: 'wx_card' })).ticket).not.toBe(first);
    emulator.clock.advance(7_200_000);
    accessToken = await fetchAccessToken(emulator.url, APP_ID, APP_SECRET);
    expect(await ticket()).not.toBe(first);
  });

  // https://developers.weixin.qq.com/doc/service/api/usermanage/userinfo/api_userinfo:
  // language "【注意：该字段不再提供】"; unionid "只有在用户将公众号绑定到微信开放平台账号后，才会出现".
  it('user/info has no language, and gives a non-follower its unionid', async () => {
    emulator.addUser({ openid: 'o_alice_0001', unionid: 'u_alice' });
    emulator.addUser({ openid: 'o_gone_00002', unionid: 'u_gone', subscribed: false });
    expect(await get('/cgi-bin/user/info', { openid: 'o_alice_0001' })).not.toHaveProperty(
      'language',
    );
    expect(await get('/cgi-bin/user/info', { openid: 'o_gone_00002' })).toEqual({
      subscribe: 0,
      openid: 'o_gone_00002',
      unionid: 'u_gone',
    });
  });

  // https://developers.weixin.qq.com/doc/service/api/apimanage/api_getapiquota: "不要前缀
  // https://api.weixin.qq.com, 也不要漏了/, 否则都会76003的报错"; "/xxx/sns/xxx 这类接口...会出现76022报错".
  it('openapi/quota/get answers 76003 for a malformed path and 76022 for sns paths', async () => {
    const quota = (cgi_path: unknown) => post('/cgi-bin/openapi/quota/get', { cgi_path });
    expect(await quota('cgi-bin/user/get')).toEqual(refused(76003));
    expect(await quota('https://api.weixin.qq.com/cgi-bin/user/get')).toEqual(refused(76003));
    expect(await quota('/sns/oauth2/access_token')).toEqual(
      refused(76022, /^could not use this cgi_path, no permission rid: /),
    );
    expect(await quota('/cgi-bin/no/such/api')).toEqual(refused(76021));
    expect(await quota('/cgi-bin/tags/update')).toHaveProperty('quota');
  });

  // https://developers.weixin.qq.com/doc/service/api/apimanage/api_clearquotabyappsecret:
  // POST /cgi-bin/clear_quota/v2 with appid and appsecret, no access_token; "每个账号每月使用
  // 「重置 API 调用次数」与本接口共10次清零操作机会"; 41002, 41004, 40013, 48006.
  it('serves clear_quota/v2 with the AppSecret, sharing the 10 clears a month', async () => {
    const clear = (body: Body) =>
      fetch(`${emulator.url}/cgi-bin/clear_quota/v2`, {
        method: 'POST',
        body: JSON.stringify(body),
      }).then((r) => r.json() as Promise<Body>);
    expect(await clear({ appid: APP_ID, appsecret: APP_SECRET })).toEqual(OK_REPLY);
    expect(await clear({ appsecret: APP_SECRET })).toEqual(refused(41002));
    expect(await clear({ appid: APP_ID })).toEqual(refused(41004));
    expect(await clear({ appid: 'wx_other', appsecret: APP_SECRET })).toEqual(refused(40013));
    const byQuery = await fetch(
      `${emulator.url}/cgi-bin/clear_quota/v2?appid=${APP_ID}&appsecret=${APP_SECRET}`,
      { method: 'POST' },
    );
    expect(await byQuery.json()).toEqual(OK_REPLY);
    for (let i = 2; i < 10; i++) {
      expect(await post('/cgi-bin/clear_quota', { appid: APP_ID })).toEqual(OK_REPLY);
    }
    expect(await clear({ appid: APP_ID, appsecret: APP_SECRET })).toEqual(refused(48006));
  });
});
