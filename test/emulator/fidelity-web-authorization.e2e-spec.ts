import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { WeChatEmulator } from '../../src/testing/index.js';

const APP_ID = 'wx0123456789abcdef';
const APP_SECRET = 'emulator-spec-secret-0123456789ab';
const CALLBACK = 'http://localhost:3000/wechat/oauth/callback';

type Body = Record<string, unknown>;

describe('WeChatEmulator web-authorization fidelity', () => {
  let emulator: WeChatEmulator;

  beforeEach(async () => {
    emulator = await WeChatEmulator.start({ appId: APP_ID, appSecret: APP_SECRET });
    emulator.addUser({ openid: 'o_alice_0001', nickname: 'Alice', unionid: 'u_alice' });
    emulator.addUser({ openid: 'o_snapshot_01', snapshotUser: true });
  });
  afterEach(async () => emulator.close());

  function authorize(params: Record<string, string>, keys = Object.keys(params)) {
    const query = keys.map((k) => `${k}=${encodeURIComponent(params[k])}`).join('&');
    return fetch(`${emulator.url}/connect/oauth2/authorize?${query}#wechat_redirect`, {
      redirect: 'manual',
    });
  }
  const params = (overrides: Record<string, string> = {}) => ({
    appid: APP_ID,
    redirect_uri: CALLBACK,
    response_type: 'code',
    scope: 'snsapi_userinfo',
    state: 'abc123',
    ...overrides,
  });
  const errcodeOf = async (res: Response) => /data-errcode="(\d*)"/.exec(await res.text())?.[1];

  async function exchange(code: string): Promise<Body> {
    const url = `${emulator.url}/sns/oauth2/access_token?appid=${APP_ID}&secret=${APP_SECRET}&code=${code}&grant_type=authorization_code`;
    return JSON.parse(await (await fetch(url)).text()) as Body;
  }
  const codeOf = (res: Response) => new URL(res.headers.get('location')!).searchParams.get('code')!;
  const userinfo = (token: Body) =>
    fetch(
      `${emulator.url}/sns/userinfo?access_token=${token.access_token}&openid=${token.openid}&lang=zh_CN`,
    ).then((r) => r.json() as Promise<Body>);

  // The return codes of
  // https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/Wechat_webpage_authorization.html:
  // "10003 redirect_uri域名与后台配置不一致 ... 10010 scope不能为空, 10011 redirect_uri不能为空,
  // 10012 appid不能为空, 10013 state不能为空"; state is required ("必须带此参数").
  it.each([
    ['an empty state', { state: '' }, '10013'],
    ['an empty redirect_uri', { redirect_uri: '' }, '10011'],
    ['an empty appid', { appid: '' }, '10012'],
    ['an empty scope', { scope: '' }, '10010'],
    ['a redirect_uri off the domains', { redirect_uri: 'https://evil.example/cb' }, '10003'],
  ])('refuses %s with its documented page error', async (_label, overrides, errcode) => {
    emulator.signIn('o_alice_0001');
    expect(await errcodeOf(await authorize(params(overrides)))).toBe(errcode);
  });

  it('invents no errcode where the docs give none (order, response_type)', async () => {
    emulator.signIn('o_alice_0001');
    const p = params();
    const swapped = await authorize(p, [
      'redirect_uri',
      'appid',
      'response_type',
      'scope',
      'state',
    ]);
    expect(await errcodeOf(swapped)).toBe('');
    expect(await errcodeOf(await authorize(params({ response_type: 'token' })))).toBe('');
  });

  // The 快照页 announcement (https://developers.weixin.qq.com/community/develop/doc/000c2c34068880629ced91a2f56001):
  // the snapshot page "默认对用户屏蔽网页授权弹窗" and its openid/unionid are "虚拟账号数据"; the code
  // exchange marks it "is_snapshotuser": 1 and /sns/userinfo answers it 48001 api unauthorized.
  it('gives a snapshot user no consent page and no profile (48001)', async () => {
    emulator.signIn('o_snapshot_01');
    const res = await authorize(params());
    expect(res.status).toBe(302);
    const token = await exchange(codeOf(res));
    expect(token).toMatchObject({ is_snapshotuser: 1, scope: 'snsapi_userinfo' });
    expect(await userinfo(token)).toMatchObject({
      errcode: 48001,
      errmsg: expect.stringMatching(/^api unauthorized rid: /),
    });
  });

  // The 用户信息接口调整 announcement (https://developers.weixin.qq.com/community/develop/doc/00028edbe3c58081e7cc834705b801):
  // from 2021-10-20 gender and region are no longer returned: sex 0, province/city/country "".
  it('answers /sns/userinfo with sex 0 and empty place names', async () => {
    emulator.signIn('o_alice_0001');
    const consent = await authorize(params());
    expect(await consent.text()).toContain('id="allow"');
    emulator.user('o_alice_0001')!.consented = true;
    const token = await exchange(codeOf(await authorize(params())));
    expect(await userinfo(token)).toMatchObject({
      nickname: 'Alice',
      sex: 0,
      province: '',
      city: '',
      country: '',
      unionid: 'u_alice',
    });
  });

  // The IP allow-list is asked for on "获取 Access token"
  // (https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Get_access_token.html:
  // "调用接口时...提前将服务器IP地址添加到IP白名单中"); web authorization's code exchange lists no 40164.
  it('does not apply the IP allow-list to the code exchange', async () => {
    emulator.setIpWhitelist(['10.9.8.7']);
    emulator.signIn('o_alice_0001');
    const token = await exchange(codeOf(await authorize(params({ scope: 'snsapi_base' }))));
    expect(token).toMatchObject({ openid: 'o_alice_0001', scope: 'snsapi_base' });
    const plain = await fetch(
      `${emulator.url}/cgi-bin/token?grant_type=client_credential&appid=${APP_ID}&secret=${APP_SECRET}`,
    );
    expect(await plain.json()).toMatchObject({ errcode: 40164 });
    const wrong = await fetch(
      `${emulator.url}/sns/oauth2/access_token?appid=${APP_ID}&secret=nope&code=x&grant_type=authorization_code`,
    );
    expect(JSON.parse(await wrong.text())).toMatchObject({ errcode: 40125 });
  });
});
